// Reading JSON bodies written by RocketMQ peers (fastjson, Go, C++, Node).
//
// fastjson writes things standard parsers reject: bare numeric map keys
// (`{0:"127.0.0.1:10911"}`, quirks Q3), object-valued map keys
// (`{{"brokerName":"b","queueId":0,"topic":"T"}:7}`, quirks Q27), and with
// some options bare identifier keys or single-quoted strings. ToStrictJson()
// rewrites those forms into standard JSON so nlohmann can parse them:
//   * a bare key (number or identifier) becomes a quoted string key;
//   * an object used as a key becomes a string key holding its compact text
//     (callers parse that string again when they need the object);
//   * 'single-quoted' strings become "double-quoted";
//   * a trailing comma before } or ] is dropped.
// Everything else is copied byte for byte.
//
// nlohmann exceptions never leave this module: parse errors and type
// mismatches come back as Status (InvalidArgument naming what was parsed).
//
// The typed getters accept the value forms real clients send: numbers as JSON
// numbers or as decimal strings, booleans as true/false or "true"/"false".
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::protocol {

// Rewrites fastjson-isms into standard JSON (see above). Never fails; text
// that is not JSON at all is left for the parser to reject.
std::string ToStrictJson(std::string_view text);

// ToStrictJson + parse. `what` names the body in error messages
// ("TopicRouteData: ..."). An empty text is an error.
Result<nlohmann::json> ParseLenientJson(std::string_view text, std::string_view what);
// As ParseLenientJson, and the top level must be an object.
Result<nlohmann::json> ParseLenientJsonObject(std::string_view text, std::string_view what);

// Field getters on a JSON object. A missing or null field yields `fallback`;
// a field of the wrong type is InvalidArgument naming the field.
Result<int64_t> JsonInt64(const nlohmann::json& obj, std::string_view key, int64_t fallback);
Result<int32_t> JsonInt32(const nlohmann::json& obj, std::string_view key, int32_t fallback);
Result<bool> JsonBool(const nlohmann::json& obj, std::string_view key, bool fallback);
// Strings; a number is accepted and converted to its decimal text.
Result<std::string> JsonString(const nlohmann::json& obj, std::string_view key,
                               std::string fallback);

// Converts one JSON value (number, or decimal string) to an integer.
Result<int64_t> JsonValueToInt64(const nlohmann::json& value, std::string_view what);
// Converts one JSON value (string or number) to a string.
Result<std::string> JsonValueToString(const nlohmann::json& value, std::string_view what);
// An array of strings (numbers converted to text); null is an empty list.
Result<std::vector<std::string>> JsonStringArray(const nlohmann::json& value, std::string_view what);

}  // namespace tern::protocol
