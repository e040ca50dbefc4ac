#pragma once

#include "framework/analysis.hpp"

namespace lumiere::cli {

// Exit codes (documented in the README):
inline constexpr int kExitClean = 0;         // the analysis completed without a HIGH or CRITICAL alert
inline constexpr int kExitAlerts = 1;        // the analysis completed with at least one HIGH or CRITICAL alert
inline constexpr int kExitError = 2;         // usage error, unreadable or unsupported input, or a failure
inline constexpr int kExitInconclusive = 3;  // no HIGH or CRITICAL alert, but too little could be checked

// The exit code of a verdict (README: "Verdicts and exit codes").
int exit_code_for(Verdict verdict);

int run(int argc, char** argv);

}  // namespace lumiere::cli
