// `custos watch`: events handled on your own hosts from an SQS queue that an EventBridge rule
// feeds. Long polling; a message is deleted only once its incident is journaled, and kept
// invisible to other watchers while it waits or is handled; events naming the same resource are
// handled one after another in order; an event already handled (the same event or finding
// version again) is dropped; a bad message is logged and handed back for the queue's
// dead-letter queue (deleted when it has none); a stop request finishes the events in hand and
// takes no new ones.
#pragma once

#include <atomic>
#include <ostream>
#include <string>

#include "aws/client.h"
#include "serverless/handler.h"

namespace custos::serverless {

struct WatchOptions {
  std::string queue_url;
  int workers = 4;
  int wait_seconds = 20;  // long polling: how long one ReceiveMessage waits for a message
  // Each event's outputs go to OUTPUT_DIR/<message id>; empty: a temporary folder per event,
  // removed after it.
  std::string output_dir;
  std::ostream* log = nullptr;
  const std::atomic<bool>* stop = nullptr;  // set (on SIGTERM) to stop
};

// Serves the queue until *options.stop is set and the events in hand are done; returns 0.
// Throws custos::Error (before taking anything) when the queue cannot be read.
int watch_queue(const Handler& handler, const aws::Client& client, const WatchOptions& options);

}  // namespace custos::serverless
