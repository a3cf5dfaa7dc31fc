// The nameserver's request handlers: one function per request code
// (shared/spec/requests.md §A), declared as data in NamesrvHandlerTable().
//
// A handler maps (RequestContext, RemotingCommand) to the response, or to an
// error Status that becomes SYSTEM_ERROR with the message as remark (a
// missing required header field reads "missing header field <name>").
// Handlers never touch the network, so tests call them directly.
//
// Threading: handlers marked kLoop run on the nameserver loop thread and may
// use every table; kKvWriter handlers (KV changes, which write and fsync the
// KV file) run on the KV writer thread and may use only NamesrvContext::kv.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "nameserver/kv_config_manager.h"
#include "nameserver/namesrv_config.h"
#include "nameserver/route_info_manager.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_server.h"

namespace tern::nameserver {

// What handlers work on. Every reference must outlive the handlers' use.
struct NamesrvContext {
  NamesrvConfig& config;     // loop thread
  RouteInfoManager& routes;  // loop thread
  KvConfigManager& kv;       // see KvConfigManager's threading
};

enum class HandlerThread : uint8_t { kLoop, kKvWriter };

// The signature of every handler; `HandlerFn HandleX;` declares one.
using HandlerFn = Result<remoting::RemotingCommand>(NamesrvContext& ns,
                                                    const remoting::RequestContext& ctx,
                                                    const remoting::RemotingCommand& request);
using Handler = HandlerFn*;

struct HandlerEntry {
  int32_t code;
  std::string_view name;
  HandlerThread thread;
  Handler handler;
};

// Every request code the nameserver answers.
std::span<const HandlerEntry> NamesrvHandlerTable();
const HandlerEntry* FindNamesrvHandler(int32_t code);

// Runs the handler for request.code on the calling thread and always yields a
// response: unknown code -> REQUEST_CODE_NOT_SUPPORTED (" request type <code>
// not supported"), error Status -> SYSTEM_ERROR. For tests and the KV writer.
remoting::RemotingCommand DispatchNamesrvRequest(NamesrvContext& ns,
                                                 const remoting::RequestContext& ctx,
                                                 const remoting::RemotingCommand& request);
// The SYSTEM_ERROR response for a handler's error Status.
remoting::RemotingCommand ErrorResponse(const remoting::RemotingCommand& request,
                                        const Status& status);

// The TOPIC_NOT_EXIST remark of GET_ROUTEINFO_BY_TOPIC.
std::string NoTopicRouteRemark(std::string_view topic);

// --- broker_handlers.cc ---
HandlerFn HandleRegisterBroker;
HandlerFn HandleUnregisterBroker;
HandlerFn HandleQueryDataVersion;
HandlerFn HandleRegisterTopicInNamesrv;

// --- route_handlers.cc ---
HandlerFn HandleGetRouteinfoByTopic;
HandlerFn HandleGetBrokerClusterInfo;
HandlerFn HandleGetAllTopicList;
HandlerFn HandleGetTopicsByCluster;
HandlerFn HandleGetSystemTopicList;
HandlerFn HandleGetUnitTopicList;
HandlerFn HandleGetHasUnitSubTopicList;
HandlerFn HandleGetHasUnitSubUnUnitTopicList;
HandlerFn HandleDeleteTopicInNamesrv;
HandlerFn HandleWipeWritePermOfBroker;
HandlerFn HandleAddWritePermOfBroker;

// --- kv_handlers.cc ---
HandlerFn HandlePutKvConfig;
HandlerFn HandleGetKvConfig;
HandlerFn HandleDeleteKvConfig;
HandlerFn HandleGetKvListByNamespace;

// --- config_handlers.cc ---
HandlerFn HandleUpdateNamesrvConfig;
HandlerFn HandleGetNamesrvConfig;

}  // namespace tern::nameserver
