// Text made safe inside HTML (element content and quoted attributes): the reports' one escaper.
#pragma once

#include <string>

namespace custos {
std::string html_escape(const std::string& raw);
}
