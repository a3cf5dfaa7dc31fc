#include "order.h"

#include <charconv>
#include <map>

namespace shop {

std::string EncodeOrder(const Order& order) {
  return "id=" + order.id + "\ncustomer=" + order.customer + "\nsku=" + order.sku +
         "\nquantity=" + std::to_string(order.quantity) +
         "\namount_cents=" + std::to_string(order.amount_cents) + "\n";
}

namespace {

std::optional<int64_t> ParseInt(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Order> DecodeOrder(std::string_view text) {
  std::map<std::string, std::string, std::less<>> fields;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    fields[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  Order order;
  auto field = [&](std::string_view name) -> std::optional<std::string> {
    auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  };
  auto id = field("id"), customer = field("customer"), sku = field("sku");
  auto quantity = field("quantity"), amount = field("amount_cents");
  if (!id || id->empty() || !customer || !sku || !quantity || !amount) return std::nullopt;
  auto q = ParseInt(*quantity);
  auto a = ParseInt(*amount);
  if (!q || !a) return std::nullopt;
  order.id = *id;
  order.customer = *customer;
  order.sku = *sku;
  order.quantity = *q;
  order.amount_cents = *a;
  return order;
}

bool Chance(std::string_view key, int percent) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int>(h % 100) < percent;
}

}  // namespace shop
