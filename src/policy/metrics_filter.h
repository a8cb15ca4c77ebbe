// Cloud Custodian's metrics filter (c7n/filters/metrics.py), for every resource type: a
// CloudWatch statistic of the resource (GetMetricStatistics over the last `days`, by the type's
// dimension) compared with a value; every data point must hold.
#pragma once

#include "policy/registry.h"

namespace custos::policy {
void register_metrics_filter(Registry& registry);
}
