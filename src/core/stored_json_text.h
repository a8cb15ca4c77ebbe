// Stored documents written as JSON text without building them: byte for byte what nlohmann's
// dump(indent) writes of the same document (object keys in byte order), so that a pull run's
// resources.json comes straight from its DocStore.
#pragma once

#include <span>
#include <string>

#include "core/doc_store.h"

namespace custos {

// Appends `value` to `out`; indent < 0 writes it on one line. Throws Error naming the byte when
// a string is not UTF-8 (as nlohmann's dump does).
void append_json(const DocStore& store, DocStore::Value value, std::string& out, int indent = -1);

// The documents as one JSON list, as dump(indent) writes a Json array of them.
std::string json_list(const DocStore& store, std::span<const DocStore::Value> documents,
                      int indent = -1);

}  // namespace custos
