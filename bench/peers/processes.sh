#!/usr/bin/env bash
# Process helpers the peers' scripts share (sourced, not run): each long-running process starts as
# a session leader, its id in DIR/NAME.pid and its output in DIR/NAME.log, so that a node's loss
# SIGKILLs exactly that node's processes, as the sandbox's node-down fault does to a pod.

# start_session DIR NAME COMMAND...: COMMAND in a new session, in the background.
start_session() {
  local dir=$1 name=$2
  shift 2
  setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

# The processes of session SID, the session leader first.
session_members() {
  ps -eo pid=,sid= | awk -v sid="$1" '$2 == sid { print $1 }'
}

# The postmaster named by a postmaster.pid file, if it still runs; PostgreSQL started by pg_ctl
# leaves its launcher's session, so a node's PostgreSQL is found through its data folder.
live_postmaster() {
  local file=$1 pid
  [[ -f $file ]] || return 0
  pid=$(head -n 1 "$file")
  if [[ $(ps -o comm= -p "$pid" 2>/dev/null) == postgres ]]; then
    echo "$pid"
  fi
}

# kill_session DIR NAME [POSTMASTER_PID_FILE...]: SIGKILL the session started as NAME and the
# PostgreSQL servers of those files, with every process of theirs at once (none is left to clean up).
kill_session() {
  local dir=$1 name=$2 file postmaster
  shift 2
  local -a pids=()
  if [[ -f $dir/$name.pid ]]; then
    mapfile -t -O "${#pids[@]}" pids < <(session_members "$(cat "$dir/$name.pid")")
  fi
  for file in "$@"; do
    postmaster=$(live_postmaster "$file")
    if [[ -n $postmaster ]]; then
      mapfile -t -O "${#pids[@]}" pids < <(echo "$postmaster"; pgrep -P "$postmaster")
    fi
  done
  if ((${#pids[@]} > 0)); then
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -f "$dir/$name.pid"
}

# stop_all DIR: every session started in DIR and every PostgreSQL of its data folders, then all
# of DIR but the processes' logs, kept for a look until the next cluster.
stop_all() {
  local dir=$1 pidfile
  [[ -d $dir ]] || return 0
  for pidfile in "$dir"/*.pid; do
    [[ -f $pidfile ]] && kill_session "$dir" "$(basename "$pidfile" .pid)"
  done
  while IFS= read -r -d '' pidfile; do
    kill_session "$dir" none "$pidfile"
  done < <(find "$dir" -name postmaster.pid -print0)
  sleep 0.5
  find "$dir" -mindepth 1 -maxdepth 1 ! -name '*.log' -exec rm -rf {} +
}
