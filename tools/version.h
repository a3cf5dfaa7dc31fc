#pragma once
#define TERNMQ_VERSION "0.1.0"
