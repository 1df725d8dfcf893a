#!/usr/bin/env sh
# The management API, step by step, against a running gateway: a team with a monthly budget, a
# user in it, a virtual key for a service, a request with that key, what it cost, a customer
# (end user) on a shared budget, spend reports, and finally blocking the key.
#
#   pnpm start                         # in another terminal
#   sh examples/management-api.sh
#
# Environment:
#   GATEWAY_URL  where the gateway listens (default http://localhost:4000)
#   MASTER_KEY   the admin key (default: LITELLM_MASTER_KEY, else .data/master-key, which
#                `pnpm start` writes on its first start)
#   MODEL        the model the team may use and the request asks for (default "mock", the
#                built-in model of a config-less `pnpm start`; e.g. gpt-4o with examples/config.yaml)
#   SUFFIX       appended to the names created here, so the script can run again (default: now)
#
# Needs curl and node (node only reads fields out of the JSON answers). Each step prints
# "### <route>: <what it does>" and then the gateway's JSON answer; the first failing call
# stops the script, with the gateway's error on stderr.
set -eu

GATEWAY_URL=${GATEWAY_URL:-http://localhost:4000}
MODEL=${MODEL:-mock}
SUFFIX=${SUFFIX:-$(date +%s)}
if [ -z "${MASTER_KEY:-}" ]; then MASTER_KEY=${LITELLM_MASTER_KEY:-}; fi
if [ -z "$MASTER_KEY" ] && [ -f .data/master-key ]; then MASTER_KEY=$(cat .data/master-key); fi
if [ -z "$MASTER_KEY" ]; then
  echo "Set MASTER_KEY to the gateway's master key (the start banner names where it is)." >&2
  exit 2
fi

step() { printf '\n### %s: %s\n' "$1" "$2"; }

# call METHOD PATH [JSON BODY] [KEY]: prints the answer; on a 4xx/5xx prints the gateway's error
# on stderr and fails, which stops the script (set -e).
call() {
  method=$1 route=$2 body=${3:-} bearer=${4:-$MASTER_KEY}
  if [ -n "$body" ]; then set -- -H "Content-Type: application/json" -d "$body"; else set --; fi
  if ! answer=$(curl -sS --fail-with-body -X "$method" "$GATEWAY_URL$route" \
    -H "Authorization: Bearer $bearer" "$@"); then
    printf '%s\nstopped: %s %s failed\n' "$answer" "$method" "$route" >&2
    return 1
  fi
  printf '%s\n' "$answer"
}

# field NAME: reads a JSON answer on stdin and prints its top-level field NAME.
field() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v==null)process.exit(1);console.log(v)})' "$1"
}

step "health/liveliness" "is it up? (no key needed)"
curl -sS --fail-with-body "$GATEWAY_URL/health/liveliness"
echo

step "team/new" "a team with a monthly budget, allowed one model"
TEAM=$(call POST /team/new "{\"team_alias\": \"backend-eng-$SUFFIX\", \"max_budget\": 200,
  \"budget_duration\": \"30d\", \"models\": [\"$MODEL\"]}")
echo "$TEAM"
TEAM_ID=$(echo "$TEAM" | field team_id)

step "user/new" "a user in that team, with a budget of their own"
USER=$(call POST /user/new "{\"user_email\": \"dev-$SUFFIX@example.com\",
  \"user_role\": \"internal_user\", \"teams\": [\"$TEAM_ID\"], \"max_budget\": 20,
  \"auto_create_key\": false}")
echo "$USER"
USER_ID=$(echo "$USER" | field user_id)

step "key/generate" "a virtual key for a service: the team's models, its own budget and limits"
KEY_ANSWER=$(call POST /key/generate "{\"team_id\": \"$TEAM_ID\", \"user_id\": \"$USER_ID\",
  \"key_alias\": \"backend-service-$SUFFIX\", \"max_budget\": 50, \"budget_duration\": \"30d\",
  \"max_parallel_requests\": 10, \"tpm_limit\": 100000, \"rpm_limit\": 60,
  \"metadata\": {\"service\": \"backend\"}}")
echo "$KEY_ANSWER"
KEY=$(echo "$KEY_ANSWER" | field key)

step "v1/chat/completions" "a request with the new key (the key, not the master key)"
call POST /v1/chat/completions "{\"model\": \"$MODEL\",
  \"messages\": [{\"role\": \"user\", \"content\": \"Say hello\"}]}" "$KEY"

step "budget/new" "a shared budget for customers (end users of your app)"
call POST /budget/new "{\"budget_id\": \"free-tier-$SUFFIX\", \"max_budget\": 1,
  \"budget_duration\": \"1d\", \"rpm_limit\": 10}"

step "customer/new" "a customer on that budget"
call POST /customer/new "{\"user_id\": \"customer-$SUFFIX\", \"budget_id\": \"free-tier-$SUFFIX\"}"

step "v1/chat/completions" "a request on behalf of that customer (the OpenAI 'user' field)"
call POST /v1/chat/completions "{\"model\": \"$MODEL\", \"user\": \"customer-$SUFFIX\",
  \"messages\": [{\"role\": \"user\", \"content\": \"Say hello again\"}]}" "$KEY"

# Spend is written to the database in batches, about every second.
sleep "${SPEND_WAIT:-2}"

step "key/info" "the key's spend, limits and last use"
call GET "/key/info?key=$KEY"

step "team/info" "the team's spend, members and keys"
call GET "/team/info?team_id=$TEAM_ID"

step "customer/info" "the customer's spend against the shared budget"
call GET "/customer/info?end_user_id=customer-$SUFFIX"

step "spend/logs" "one row per request made with the key"
call GET "/spend/logs?api_key=$KEY"

TODAY=$(date -u +%Y-%m-%d)
step "global/spend/report" "today's spend by team"
call GET "/global/spend/report?start_date=$TODAY&end_date=$TODAY&group_by=team"

step "key/block" "block the key (after a leak, say): its requests are refused from now on"
call POST /key/block "{\"key\": \"$KEY\"}"
curl -sS -o /dev/null -w 'a request with the blocked key: HTTP %{http_code}\n' \
  "$GATEWAY_URL/v1/chat/completions" -H "Authorization: Bearer $KEY" \
  -H "Content-Type: application/json" \
  -d "{\"model\": \"$MODEL\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"
