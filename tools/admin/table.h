// Table: the aligned text table every admin command prints, and the same rows
// as JSON for --json.
//
//   Table t({{"#Cluster Name", "cluster"}, {"#BID", "brokerId", Align::kRight}});
//   t.AddRow({"DefaultCluster", 0});
//   std::fputs(t.Render().c_str(), stdout);   // or t.ToJson()
//
// Column widths come from the content (header included); columns are
// separated by two spaces and trailing blanks are trimmed. A cell is a JSON
// value: strings print as they are, numbers in their JSON form, null as an
// empty cell (a figure nobody could provide) -- and stay typed in ToJson().
// Plain value type; not shared between threads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tern::tools::admin {

enum class Align { kLeft, kRight };

struct Column {
  std::string header;    // "#Broker Name" (RocketMQ's headers start with '#')
  std::string json_key;  // "brokerName"
  Align align = Align::kLeft;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns, bool show_header = true);

  // REQUIRES: cells.size() == number of columns.
  void AddRow(std::vector<nlohmann::json> cells);
  size_t size() const { return rows_.size(); }

  // The aligned text, one line per row (and one for the header), each ending in '\n'.
  std::string Render() const;
  // An array with one object per row, keyed by the columns' json_key.
  nlohmann::json ToJson() const;

  // The text form of one cell (strings verbatim, null empty, numbers as JSON).
  static std::string CellText(const nlohmann::json& cell);

 private:
  std::vector<Column> columns_;
  bool show_header_;
  std::vector<std::vector<nlohmann::json>> rows_;
};

}  // namespace tern::tools::admin
