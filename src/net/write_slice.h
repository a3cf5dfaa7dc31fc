// WriteSlice: bytes owned by someone else that a TcpConnection writes without
// copying (e.g. records in the mapped CommitLog). `keep_alive` keeps `data`
// valid; the connection drops it in the write callback, after the kernel has
// taken the bytes (or the write failed). Plain value type, no libuv.
#pragma once

#include <memory>
#include <string_view>

namespace tern::net {

struct WriteSlice {
  std::string_view data;
  std::shared_ptr<const void> keep_alive;
};

}  // namespace tern::net
