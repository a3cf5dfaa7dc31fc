#include "broker/broker_options.h"

#include <fmt/format.h>

#include "broker/store/consume_queue_format.h"

namespace tern::broker {

Result<std::vector<int64_t>> ParseDelayLevels(std::string_view text) {
  std::vector<int64_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    int64_t unit_ms = 0;
    switch (word.back()) {
      case 's':
        unit_ms = 1000;
        break;
      case 'm':
        unit_ms = 60'000;
        break;
      case 'h':
        unit_ms = 3'600'000;
        break;
      case 'd':
        unit_ms = 86'400'000;
        break;
      default:
        break;
    }
    auto n = ParseInt64(word.substr(0, word.size() - 1));
    if (unit_ms == 0 || !n.ok() || *n <= 0) {
      return Status::InvalidArgument(
          fmt::format("messageDelayLevel: '{}' is not a delay such as 5s, 2m, 1h or 1d", word));
    }
    out.push_back(*n * unit_ms);
  }
  if (out.empty()) return Status::InvalidArgument("messageDelayLevel: no delay level");
  return out;
}

Result<store::MessageStoreOptions> StoreOptionsFrom(const BrokerConfig& c,
                                                    const protocol::HostAddress& store_host) {
  store::MessageStoreOptions o;
  o.root_dir = c.store_path_root_dir;
  o.commit_log.dir = c.store_path_commit_log;
  o.commit_log.segment_size = c.mapped_file_size_commit_log;
  o.commit_log.flush_mode = c.sync_flush() ? store::FlushMode::kSync : store::FlushMode::kAsync;
  o.commit_log.flush_interval_ms = c.flush_interval_commit_log;
  o.commit_log.flush_least_pages = c.flush_commit_log_least_pages;
  o.commit_log.flush_thorough_interval_ms = c.flush_commit_log_thorough_interval;
  o.commit_log.sync_flush_timeout_ms = static_cast<int>(c.sync_flush_timeout);
  o.commit_log.max_body_size = c.max_message_size;
  o.commit_log.store_host = store_host;
  o.commit_log.check_crc_on_recover = c.check_crc_on_recover;
  o.consume_queue.units_per_file =
      std::max<int64_t>(1, c.mapped_file_size_consume_queue / store::kCqUnitSize);
  o.reput.flush_interval_ms = c.flush_interval_consume_queue;
  TERN_ASSIGN_OR_RETURN(o.reput.delay_levels_ms, ParseDelayLevels(c.message_delay_level));
  o.read.max_transfer_bytes_in_memory = c.max_transfer_bytes_on_message_in_memory;
  o.read.max_transfer_count_in_memory = c.max_transfer_count_on_message_in_memory;
  o.read.max_transfer_bytes_on_disk = c.max_transfer_bytes_on_message_in_disk;
  o.read.max_transfer_count_on_disk = c.max_transfer_count_on_message_in_disk;
  o.read.access_message_in_memory_max_ratio = c.access_message_in_memory_max_ratio;
  o.key_index = c.message_index_enable;
  o.max_query_messages = c.max_msgs_num_batch;
  o.unique_key_query_max = c.default_query_max_num;
  return o;
}

store::RetentionOptions RetentionOptionsFrom(const BrokerConfig& c) {
  store::RetentionOptions o;
  o.file_reserved_hours = c.file_reserved_time;
  o.delete_when = c.delete_when;
  o.disk_max_used_ratio = c.disk_max_used_space_ratio / 100.0;
  if (!c.clean_file_forcibly_enable) o.clean_forcibly_ratio = 2.0;  // never reached
  return o;
}

topic::TopicConfigManagerOptions TopicOptionsFrom(const BrokerConfig& c) {
  topic::TopicConfigManagerOptions o;
  o.cluster_name = c.broker_cluster_name;
  o.broker_name = c.broker_name;
  o.auto_create_topic_enable = c.auto_create_topic_enable;
  o.default_topic_queue_nums = c.default_topic_queue_nums;
  o.cluster_topic_enable = c.cluster_topic_enable;
  o.broker_topic_enable = c.broker_topic_enable;
  o.trace_topic_enable = c.trace_topic_enable;
  o.trace_topic_name = c.msg_trace_topic_name;
  return o;
}

topic::SubscriptionGroupManagerOptions GroupOptionsFrom(const BrokerConfig& c) {
  topic::SubscriptionGroupManagerOptions o;
  o.auto_create_subscription_group = c.auto_create_subscription_group;
  return o;
}

processor::SendOptions SendOptionsFrom(const BrokerConfig& c) {
  processor::SendOptions o;
  o.broker_permission = c.broker_permission;
  o.broker_ip = c.broker_ip1;
  o.cluster_name = c.broker_cluster_name;
  o.region_id = c.region_id;
  o.trace_on = c.trace_on;
  o.max_message_size = c.max_message_size;
  o.reject_transaction_message = c.reject_transaction_message;
  return o;
}

processor::PullOptions PullOptionsFrom(const BrokerConfig& c) {
  processor::PullOptions o;
  o.broker_permission = c.broker_permission;
  o.broker_ip = c.broker_ip1;
  o.is_master = c.broker_role != "SLAVE";
  o.enable_property_filter = c.enable_property_filter;
  o.hold.long_polling_enable = c.long_polling_enable;
  o.hold.short_polling_time_ms = c.short_polling_time_mills;
  return o;
}

ClientProcessorOptions ClientOptionsFrom(const BrokerConfig& c) {
  ClientProcessorOptions o;
  o.enable_property_filter = c.enable_property_filter;
  return o;
}

ConsumerManagerOptions ConsumerOptionsFrom(const BrokerConfig& c) {
  ConsumerManagerOptions o;
  o.notify_enabled = c.notify_consumer_ids_changed_enable;
  return o;
}

remoting::RpcServerOptions ServerOptionsFrom(const BrokerConfig& c, std::string name, int port) {
  remoting::RpcServerOptions o;
  o.name = std::move(name);
  o.host = c.bind_address;
  o.port = port;
  o.idle_timeout_ms = int64_t{c.server_channel_max_idle_time_seconds} * 1000;
  return o;
}

}  // namespace tern::broker
