#!/usr/bin/env bash
# The local services the tests talk to (README, Development): PostgreSQL, NATS with
# JetStream and Mosquitto on loopback. Starts one that is installed but stopped, then
# fails naming any that still does not answer.
set -uo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_service() {
  case "$1" in
    postgresql) command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -n1)" main start ;;
    nats) [ -x /usr/sbin/nats-server ] && start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log ;;
    mosquitto) command -v mosquitto >/dev/null && mosquitto -d -c /etc/mosquitto/mosquitto.conf ;;
  esac
}

failed=0
for entry in postgresql:5432 nats:4222 mosquitto:1883; do
  name="${entry%%:*}"; port="${entry##*:}"
  if ! answers "$port"; then
    echo "ci: $name does not answer on 127.0.0.1:$port; starting it"
    start_service "$name" >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do answers "$port" && break; sleep 1; done
  fi
  if answers "$port"; then echo "ci: $name answers on 127.0.0.1:$port"
  else echo "ci: $name is not running on 127.0.0.1:$port and could not be started: the storage, bus and integration tests need it" >&2; failed=1
  fi
done
exit "$failed"
