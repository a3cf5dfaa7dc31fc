#include <doctest/doctest.h>

#include "src/client/status_convert.h"
#include "ternmq/producer.h"
#include "ternmq/status.h"

namespace tern::client {
namespace {

using ternmq::StatusCode;

TEST_CASE("public Status prints its code, the broker's response code and the message") {
  CHECK(ternmq::Status().ToString() == "OK");
  CHECK(ternmq::Status(StatusCode::kTimeout, "late").ToString() == "Timeout: late");
  ternmq::Status broker = BrokerError(13, std::string("too big"), "broker broker-a");
  CHECK(broker.code() == StatusCode::kBrokerError);
  CHECK(broker.response_code() == 13);
  CHECK(broker.ToString() == "BrokerError(13): broker broker-a answered code 13: too big");
  CHECK(ternmq::SendStatusName(ternmq::SendStatus::kFlushDiskTimeout) == "FLUSH_DISK_TIMEOUT");
}

TEST_CASE("lower-layer statuses are converted once at the SDK edge") {
  CHECK(FromTern(tern::Status::Ok()).ok());
  CHECK(FromTern(tern::Status::Timeout("t")).code() == StatusCode::kTimeout);
  CHECK(FromTern(tern::Status::Unavailable("closed")).code() == StatusCode::kNetworkError);
  CHECK(FromTern(tern::Status::IoError("reset")).code() == StatusCode::kNetworkError);
  CHECK(FromTern(tern::Status::InvalidArgument("x")).code() == StatusCode::kInvalidArgument);
  CHECK(FromTern(tern::Status::Corruption("frame")).code() == StatusCode::kInternal);
  CHECK(FromTern(tern::Status::Unavailable("closed")).message() == "closed");
  CHECK(IsNetworkFailure(FromTern(tern::Status::Timeout("t"))));
  CHECK_FALSE(IsNetworkFailure(BrokerError(1, std::nullopt, "b")));
}

TEST_CASE("a Result holds a value or an error status") {
  ternmq::Result<int> v = 7;
  CHECK(v.ok());
  CHECK(*v == 7);
  CHECK(v.status().ok());
  ternmq::Result<int> e = ternmq::Status(StatusCode::kNotFound, "none");
  CHECK_FALSE(e.ok());
  CHECK(e.status().code() == StatusCode::kNotFound);
  ternmq::Result<int> from_ok = ternmq::Status::Ok();  // a bug in the caller: becomes kInternal
  CHECK(from_ok.status().code() == StatusCode::kInternal);
}

}  // namespace
}  // namespace tern::client
