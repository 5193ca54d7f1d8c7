# What the AWS CLI scenario scripts of test/interop share, sourced by
# tutorial-cli.sh and images-templates-cli.sh from the directory they stand
# in (copy it along with them): fake keys and no profile, `aws_mock` (the CLI
# on the mock at $endpoint, which the sourcing script sets), `say` (one fact
# a line, `name<TAB>value`) and `refused` / `refused_by` (a refusal as the CLI
# prints it).

# Fake keys on purpose, and none of the shell's own profile or session.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""
aws_mock() { "${AWS_CLI:-aws}" --endpoint-url "$endpoint" "$@"; }

say() { printf '%s\t%s\n' "$1" "$2"; }
# Runs an `aws ec2` command that EC2 refuses and prints its exit status and stderr.
refused() { refused_by ec2 "$@"; }
# The same for another service's command: `refused_by elbv2 NAME describe-target-health ...`.
refused_by() {
  local service=$1 name=$2 err status
  shift 2
  if err=$(aws_mock "$service" "$@" 2>&1 >/dev/null); then
    say "$name" "0|succeeded"
    return
  else
    status=$?
  fi
  err=${err//$'\n'/ }
  err=${err# }
  say "$name" "$status|$err"
}
