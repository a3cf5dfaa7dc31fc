#include "broker/client/client_housekeeping.h"

namespace tern::broker {

ClientHousekeeping::Report ClientHousekeeping::RunOnce() {
  int64_t now = clock_.MonotonicMs();
  Report report;
  report.consumers = consumers_.ScanNotActiveChannels(now);
  report.producers = producers_.ScanNotActiveChannels(now);
  for (const ExpiredChannel& e : report.consumers) report.connections.insert(e.channel.connection);
  for (const ExpiredChannel& e : report.producers) report.connections.insert(e.channel.connection);
  return report;
}

void ClientHousekeeping::OnConnectionClosed(ConnectionId connection) {
  producers_.OnConnectionClosed(connection);
  consumers_.OnConnectionClosed(connection);
}

}  // namespace tern::broker
