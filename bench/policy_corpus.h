// Synthetic but realistic policy files for benchmarks: N policies mixing the filter forms
// security teams write (tag shorthand, value ops, regex, boolean blocks, event filters).
#pragma once

#include <string>

namespace custos::bench {

inline std::string policy_file(int count) {
  std::string text = "policies:\n";
  for (int i = 0; i < count; ++i) {
    std::string n = std::to_string(i);
    if (i % 2 == 0) {
      text += "  - name: contain-" + n + R"YAML(
    resource: aws.ec2
    description: contain instance findings, variant )" + n + R"YAML(
    mode:
      type: guard-duty
    filters:
      - type: event
        key: detail.severity
        op: gte
        value: 4
      - or:
          - "tag:Environment": prod
          - "tag:Name":
          - type: value
            key: IamInstanceProfile.Arn
            value: present
    actions:
      - type: set-instance-profile
      - stop
      - type: snapshot
        exclude-boot: false
)YAML";
    } else {
      text += "  - name: hygiene-" + n + R"YAML(
    resource: ec2
    filters:
      - "tag:custodian": present
      - State.Name: running
      - type: value
        key: "tag:Name"
        op: regex
        value: "^(web|api)-[0-9]+(?!-canary)"
      - not:
          - type: value
            key: InstanceType
            op: in
            value: [t3.micro, t3.small]
    actions:
      - stop
)YAML";
    }
  }
  return text;
}

}  // namespace custos::bench
