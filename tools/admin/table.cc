#include "tools/admin/table.h"

#include <algorithm>

#include "src/base/check.h"

namespace tern::tools::admin {

Table::Table(std::vector<Column> columns, bool show_header)
    : columns_(std::move(columns)), show_header_(show_header) {}

void Table::AddRow(std::vector<nlohmann::json> cells) {
  TERN_CHECK(cells.size() == columns_.size())
      << "row has " << cells.size() << " cells, table has " << columns_.size() << " columns";
  rows_.push_back(std::move(cells));
}

std::string Table::CellText(const nlohmann::json& cell) {
  if (cell.is_null()) return "";
  if (cell.is_string()) return cell.get<std::string>();
  return cell.dump();
}

std::string Table::Render() const {
  std::vector<std::vector<std::string>> text;
  if (show_header_) {
    std::vector<std::string> header;
    for (const auto& c : columns_) header.push_back(c.header);
    text.push_back(std::move(header));
  }
  for (const auto& row : rows_) {
    std::vector<std::string> line;
    for (const auto& cell : row) line.push_back(CellText(cell));
    text.push_back(std::move(line));
  }
  std::vector<size_t> width(columns_.size(), 0);
  for (const auto& line : text) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string out;
  for (const auto& line : text) {
    std::string l;
    for (size_t i = 0; i < line.size(); ++i) {
      if (i > 0) l += "  ";
      size_t pad = width[i] - line[i].size();
      if (columns_[i].align == Align::kRight) l.append(pad, ' ');
      l += line[i];
      if (columns_[i].align == Align::kLeft) l.append(pad, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l;
    out += '\n';
  }
  return out;
}

nlohmann::json Table::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : rows_) {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t i = 0; i < row.size(); ++i) obj[columns_[i].json_key] = row[i];
    out.push_back(std::move(obj));
  }
  return out;
}

}  // namespace tern::tools::admin
