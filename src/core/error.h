// Errors: custos reports failures as exceptions derived from custos::Error, each message
// saying what failed and what to do. The CLI maps them to exit codes (docs/errors.md).
#pragma once

#include <stdexcept>
#include <string>

namespace custos {

// A failure at run time (AWS refused, network down, I/O): exit code 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Input the user must fix before anything can run (bad policy, event, flag): exit code 2.
class InputError : public Error {
 public:
  using Error::Error;
};

}  // namespace custos
