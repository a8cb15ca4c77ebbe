#include "integration/moto_gaps.h"

#include <string>

namespace custos::test {

void answer_instance_profile_tags(FaultProxy& proxy) {
  proxy.answer_with([](const FaultProxy::Arrival& arrival) -> std::optional<FaultProxy::Reply> {
    if (arrival.body.find("Action=ListInstanceProfileTags") == std::string::npos)
      return std::nullopt;
    FaultProxy::Reply reply;
    reply.body =
        "<ListInstanceProfileTagsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
        "<ListInstanceProfileTagsResult><IsTruncated>false</IsTruncated><Tags/>"
        "</ListInstanceProfileTagsResult><ResponseMetadata><RequestId>recorded</RequestId>"
        "</ResponseMetadata></ListInstanceProfileTagsResponse>";
    return reply;
  });
}

}  // namespace custos::test
