// Order: the business object of the e-commerce flow, and its text form.
//
// The same text is the body of the OrderCreated message and the value of the
// order row in the order service's store, so every service can read it:
//
//   id=r1700000000-0007
//   customer=c-3
//   sku=sku-2
//   quantity=2
//   amount_cents=3998
//
// Thread-safety: plain values and pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop {

struct Order {
  std::string id;        // unique per order; also the message key (Message::keys)
  std::string customer;  // earns points
  std::string sku;       // the product whose stock is reserved
  int64_t quantity = 1;
  int64_t amount_cents = 0;
};

std::string EncodeOrder(const Order& order);
// nullopt when a field is missing or not a number.
std::optional<Order> DecodeOrder(std::string_view text);

// A deterministic "random" draw: true for about `percent` % of the keys.
// The demo uses it to decide which orders fail, so that a run can be
// repeated (FNV-1a of the key, modulo 100).
bool Chance(std::string_view key, int percent);

}  // namespace shop
