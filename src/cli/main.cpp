// The lumiere binary: everything lives in the core library; this only hands over the arguments.
#include "cli/app.hpp"

int main(int argc, char** argv) {
  return lumiere::cli::run(argc, argv);
}
