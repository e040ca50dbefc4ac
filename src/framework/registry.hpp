// The one explicit list of modules (no static self-registration: the linker drops it from static
// libraries). Order = MVT's module order, which the runner keeps (stable topological sort).
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "framework/module.hpp"

namespace lumiere {

struct RegistryEntry {
  const ModuleDescriptor& (*descriptor)();
  std::unique_ptr<Module> (*create)();
};

std::span<const RegistryEntry> module_registry();

// By slug ("manifest"), id ("ios.manifest") or MVT class name ("Manifest").
const RegistryEntry* find_module(std::span<const RegistryEntry> registry, std::string_view name);

}  // namespace lumiere
