#include "incident/incident_journal.h"

#include "incident/journal_store.h"
#include "incident/s3_journal.h"

namespace custos::incident {

std::unique_ptr<IncidentJournal> open_journal(const std::string& where,
                                              const aws::SessionOptions& aws, bool create) {
  if (where.starts_with("s3://")) return std::make_unique<S3Journal>(where, aws, create);
  return std::make_unique<SqliteJournal>(where, create);
}

}  // namespace custos::incident
