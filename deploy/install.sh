#!/usr/bin/env bash
# Installs, upgrades or removes mlx-supervisor as a launchd service (issue #3).
#
#   sudo deploy/install.sh            LaunchDaemon: starts at boot, runs as you (UserName)
#   deploy/install.sh --agent         LaunchAgent: starts when you log in
#   deploy/install.sh --dry-run       prints every command and file; changes nothing; runs on Linux
#
# Re-running it upgrades: the job is booted out, the program replaced and the job bootstrapped again.
# A config you edited is never overwritten; the new defaults are written beside it.
#
# Written for the bash 3.2 that macOS ships as /bin/bash: no associative arrays, no mapfile, no
# ${x,,}, and no "${array[@]}" of an empty array under set -u (bash before 4.4 calls it unbound).
set -euo pipefail

readonly DAEMON_LABEL=com.mlxsupervisor.daemon
readonly AGENT_LABEL=com.mlxsupervisor.agent

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
readonly TEMPLATE=$REPO_ROOT/launchd/com.mlxsupervisor.daemon.plist
readonly PROJECT=$REPO_ROOT/src/MlxSupervisor/MlxSupervisor.csproj
readonly DEFAULTS=$REPO_ROOT/src/MlxSupervisor/appsettings.json

usage() {
  cat <<'EOF'
Usage: deploy/install.sh [options]

Builds mlx-supervisor, installs it with its config, and runs it as a launchd service.
Re-run it to upgrade. Your edited config is kept; the new defaults go beside it (.new).

Options:
  --agent                 install a LaunchAgent for the current user (starts at login)
                          instead of the default LaunchDaemon (starts at boot; needs sudo)
  --prefix DIR            program in DIR/lib/mlx-supervisor, linked from DIR/bin; config in
                          DIR/etc/mlx-supervisor (default /usr/local)
  --log-dir DIR           log folder (default ~/Library/Logs/MlxSupervisor)
  --config FILE           install FILE as the config instead of the shipped defaults
                          (an existing, different config is saved as appsettings.json.bak)
  --skip-command-check    do not check that Supervisor:Server:Command is on the service's PATH
  --dry-run               print every command and every file it would write; change nothing
  --uninstall             remove the service and the program; keep config and logs
  --purge                 with --uninstall, remove the config and the log files too
  -h, --help              show this help

Environment:
  DOTNET                      the dotnet to build with (default: dotnet on PATH)
  MLXSUP_LAUNCHDAEMONS_DIR    where LaunchDaemon plists go (default /Library/LaunchDaemons;
                              for tests)
EOF
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

usage_error() {
  printf 'error: %s (see --help)\n' "$*" >&2
  exit 2
}

say() {
  printf '%s\n' "$*"
}

# Every command that changes something goes through run: it is printed, and run unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [[ $DRY_RUN == false ]]; then
    "$@"
  fi
}

# Writes a generated file. --dry-run prints its full content instead.
write_file() {
  local path=$1 content=$2
  if [[ $DRY_RUN == true ]]; then
    printf -- '--- write %s ---\n%s\n--- end ---\n' "$path" "$content"
  else
    printf '+ write %s\n' "$path"
    printf '%s\n' "$content" >"$path.tmp.$$"
    mv -f "$path.tmp.$$" "$path"
  fi
}

ensure_dir() {
  if [[ ! -d $1 ]]; then
    run mkdir -p "$1"
  fi
}

absolute() {
  local path=$1
  case $path in
    /*) ;;
    *) path=$PWD/$path ;;
  esac
  while [[ $path == */ && $path != / ]]; do
    path=${path%/}
  done
  case $path in
    *$'\n'* | *$'\001'*) usage_error "a path may not contain a newline or a control character" ;;
  esac
  printf '%s' "$path"
}

# --- options -------------------------------------------------------------------------------------

ORIGINAL_ARGS="$*"
MODE=daemon
ACTION=install
DRY_RUN=false
PURGE=false
SKIP_COMMAND_CHECK=false
PREFIX=/usr/local
LOG_DIR=
USER_CONFIG=

need_value() {
  [[ $2 -ge 2 ]] || usage_error "$1 needs a value"
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --agent) MODE=agent; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    --purge) PURGE=true; shift ;;
    --skip-command-check) SKIP_COMMAND_CHECK=true; shift ;;
    --prefix) need_value "$1" $#; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#*=}; shift ;;
    --log-dir) need_value "$1" $#; LOG_DIR=$2; shift 2 ;;
    --log-dir=*) LOG_DIR=${1#*=}; shift ;;
    --config) need_value "$1" $#; USER_CONFIG=$2; shift 2 ;;
    --config=*) USER_CONFIG=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown option: $1" ;;
  esac
done

if [[ $PURGE == true && $ACTION != uninstall ]]; then
  usage_error "--purge only goes with --uninstall"
fi
[[ -n $PREFIX ]] || usage_error "--prefix needs a folder"
PREFIX=$(absolute "$PREFIX")
if [[ -n $USER_CONFIG ]]; then
  USER_CONFIG=$(absolute "$USER_CONFIG")
fi

# --- who and where -------------------------------------------------------------------------------

OS=$(uname -s)

home_of() {
  local home=
  if [[ $OS == Darwin ]]; then
    home=$(dscl . -read "/Users/$1" NFSHomeDirectory 2>/dev/null | sed -n 's/^NFSHomeDirectory: //p')
  else
    home=$(getent passwd "$1" | cut -d: -f6)
  fi
  [[ -n $home ]] || die "cannot find the home folder of $1"
  printf '%s' "$home"
}

# The service runs as the person who ran the installer, also under sudo (SUDO_USER). Whether sudo
# keeps HOME depends on the sudoers policy, so under sudo the user's home is looked up.
TARGET_USER=${SUDO_USER:-${USER:-$(id -un)}}
if [[ $EUID -eq 0 && -n ${SUDO_USER:-} ]]; then
  TARGET_HOME=$(home_of "$SUDO_USER")
else
  TARGET_HOME=${HOME:?HOME is not set}
fi

# The publish output lives in its own folder: the daemon reads its shipped defaults from the
# appsettings.json beside its executable (AppContext.BaseDirectory), and stops with exit 78 when
# that file is missing. bin/ gets only a symlink, for typing mlx-supervisor in a shell.
APP_DIR=$PREFIX/lib/mlx-supervisor
BINARY=$APP_DIR/mlx-supervisor
BIN_LINK=$PREFIX/bin/mlx-supervisor
CONF_DIR=$PREFIX/etc/mlx-supervisor
CONFIG=$CONF_DIR/appsettings.json
SHIPPED=$CONFIG.shipped      # the defaults as last installed: tells an edited config from ours
NEW_DEFAULTS=$CONFIG.new     # the new defaults, beside a config the user edited
BACKUP=$CONFIG.bak           # an edited config replaced through --config
LOG_DIR=$(absolute "${LOG_DIR:-$TARGET_HOME/Library/Logs/MlxSupervisor}")
DAEMONS_DIR=${MLXSUP_LAUNCHDAEMONS_DIR:-/Library/LaunchDaemons}
AGENTS_DIR=$TARGET_HOME/Library/LaunchAgents

if [[ $MODE == daemon ]]; then
  LABEL=$DAEMON_LABEL
  PLIST=$DAEMONS_DIR/$LABEL.plist
  DOMAIN=system
  OTHER_PLIST=$AGENTS_DIR/$AGENT_LABEL.plist
else
  LABEL=$AGENT_LABEL
  PLIST=$AGENTS_DIR/$LABEL.plist
  DOMAIN=gui/$(id -u)
  OTHER_PLIST=$DAEMONS_DIR/$DAEMON_LABEL.plist
fi
SERVICE=$DOMAIN/$LABEL

# launchd starts jobs with PATH=/usr/bin:/bin:/usr/sbin:/sbin, where no Homebrew, pyenv or pipx
# tool is found. This is the PATH the plist gives the daemon, and so its server.
SERVICE_PATH=/opt/homebrew/bin:/opt/homebrew/sbin:/usr/local/bin:$TARGET_HOME/.pyenv/shims:$TARGET_HOME/.local/bin:/usr/bin:/bin:/usr/sbin:/sbin

# --- checks --------------------------------------------------------------------------------------

check_platform() {
  if [[ $OS != Darwin && $DRY_RUN == false ]]; then
    die "mlx-supervisor installs as a launchd service, which needs macOS, and this is $OS; on Linux use deploy/systemd/mlx-supervisor.service (see README.md), or preview the steps with --dry-run"
  fi
  # A dry run changes nothing, so it needs no privileges and may show either mode to anyone.
  [[ $DRY_RUN == false ]] || return 0
  if [[ $MODE == daemon && $EUID -ne 0 ]]; then
    die "a LaunchDaemon is installed by root: run sudo $0 $ORIGINAL_ARGS, or add --agent to install for your login only"
  fi
  if [[ $MODE == daemon && $TARGET_USER == root ]]; then
    die "the service would run as root: run the installer with sudo from the account that should own the server"
  fi
  if [[ $MODE == agent && $EUID -eq 0 ]]; then
    die "--agent installs for the user who runs it: run it without sudo"
  fi
  if [[ $MODE == agent && $ACTION == install ]]; then
    # On Apple silicon /usr/local belongs to root (Homebrew on Intel hands its bin, etc and lib
    # to the user); say so before anything is half installed.
    local dir existing
    for dir in "$PREFIX/bin" "$PREFIX/lib" "$CONF_DIR"; do
      existing=$dir
      while [[ ! -e $existing ]]; do
        existing=$(dirname "$existing")
      done
      [[ -w $existing ]] || die "$existing is not writable by you: add --prefix ~/.local to install the agent there, or install the LaunchDaemon with sudo"
    done
  fi
}

DOTNET_BIN=

check_dotnet() {
  local candidate
  if [[ -n ${DOTNET:-} ]]; then
    DOTNET_BIN=$(command -v "$DOTNET" || true)
    [[ -n $DOTNET_BIN ]] || die "the .NET SDK is needed to build mlx-supervisor, and DOTNET=$DOTNET is not a program"
  else
    DOTNET_BIN=$(command -v dotnet || true)
    # sudo may reset PATH; these are where the .NET installer and Homebrew put dotnet.
    for candidate in /usr/local/share/dotnet/dotnet /opt/homebrew/bin/dotnet "$TARGET_HOME/.dotnet/dotnet"; do
      if [[ -z $DOTNET_BIN && -x $candidate ]]; then
        DOTNET_BIN=$candidate
      fi
    done
    [[ -n $DOTNET_BIN ]] || die "the .NET SDK is needed to build mlx-supervisor, and dotnet was not found: install the .NET 10 SDK (brew install --cask dotnet-sdk), or set DOTNET"
  fi
  local sdks
  sdks=$("$DOTNET_BIN" --list-sdks 2>/dev/null || true)
  if ! printf '%s\n' "$sdks" | awk -F. '$1 + 0 >= 10 { found = 1 } END { exit !found }'; then
    die "mlx-supervisor needs the .NET 10 SDK, and $DOTNET_BIN has none (it has: $(printf '%s' "$sdks" | awk '{ printf "%s%s", sep, $1; sep = ", " }'))"
  fi
}

check_sources() {
  local file
  for file in "$TEMPLATE" "$DEFAULTS" "$PROJECT"; do
    [[ -f $file ]] || die "$file is missing: run the installer from a complete checkout"
  done
  if [[ -n $USER_CONFIG && ! -r $USER_CONFIG ]]; then
    die "--config $USER_CONFIG: no such file"
  fi
}

check_other_mode() {
  if [[ -e $OTHER_PLIST ]]; then
    # Two supervisors would start two servers, each loading its model: tens of GB twice.
    if [[ $MODE == daemon ]]; then
      die "a LaunchAgent is already installed ($OTHER_PLIST); remove it first with deploy/uninstall.sh --agent"
    else
      die "a LaunchDaemon is already installed ($OTHER_PLIST); remove it first with sudo deploy/uninstall.sh"
    fi
  fi
}

# Prints Supervisor:Server:Command from a JSON settings file, or nothing.
read_server_command() {
  local file=$1 value=
  if [[ $OS == Darwin ]]; then
    value=$(plutil -extract Supervisor.Server.Command raw -o - "$file" 2>/dev/null || true)
  elif command -v python3 >/dev/null 2>&1; then
    # Not on macOS: there /usr/bin/python3 may be the stub that asks to install the developer tools.
    # -c, not a here-document: bash 3.2 parses one inside $(...) poorly (a quote in it can end it).
    local program='
import json, sys
try:
    command = json.load(open(sys.argv[1]))["Supervisor"]["Server"]["Command"]
except Exception:
    sys.exit(1)
print(command if isinstance(command, str) else "")
'
    value=$(python3 -c "$program" "$file" 2>/dev/null || true)
  fi
  if [[ -z $value ]]; then
    # .NET settings files may hold comments, which plutil and json refuse. Command is the only
    # key of that name in the file.
    value=$(sed -n 's/.*"Command"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$file" | head -n 1)
  fi
  printf '%s' "$value"
}

# Prints the first executable NAME in the colon-separated folders, or nothing. It does not use
# `command -v`, which searches the caller's PATH and its hash table, not the service's.
find_on_path() {
  local name=$1 dir
  local -a dirs
  IFS=: read -r -a dirs <<<"$2"
  for dir in "${dirs[@]}"; do
    if [[ -n $dir && -f $dir/$name && -x $dir/$name ]]; then
      printf '%s' "$dir/$name"
      return 0
    fi
  done
  return 1
}

check_server_command() {
  local file=$1 command
  command=$(read_server_command "$file")
  if [[ -z $command && $file != "$DEFAULTS" ]]; then
    # A --config file may hold only the keys it changes; the daemon layers it over the defaults.
    command=$(read_server_command "$DEFAULTS")
  fi
  [[ -n $command ]] || die "$file has no Supervisor:Server:Command; the daemon would refuse to start (exit 78)"
  [[ $SKIP_COMMAND_CHECK == false ]] || return 0

  case $command in
    /*)
      [[ -f $command && -x $command ]] || die "the server command $command (Supervisor:Server:Command in $file) is not an executable file"
      ;;
    */*)
      # Relative to the service's working directory, the log folder.
      [[ -f $LOG_DIR/$command && -x $LOG_DIR/$command ]] || die "the server command $command (Supervisor:Server:Command in $file) is not an executable file relative to $LOG_DIR; give an absolute path"
      ;;
    *)
      if ! find_on_path "$command" "$SERVICE_PATH" >/dev/null; then
        local hint="set Supervisor:Server:Command to its absolute path and pass that config with --config"
        local yours
        yours=$(command -v "$command" 2>/dev/null || true)
        if [[ -n $yours ]]; then
          hint="your shell finds it at $yours: $hint"
        fi
        die "the server command $command (Supervisor:Server:Command in $file) is not on the PATH the service will have ($SERVICE_PATH); $hint, or pass --skip-command-check"
      fi
      ;;
  esac
}

# --- the config: never overwrite what the user edited --------------------------------------------

CONFIG_SOURCE=     # the file to install as CONFIG; empty keeps the existing one
CONFIG_BACKUP=false
CONFIG_NEW_DEFAULTS=false
CONFIG_IN_EFFECT=  # the file the service will read, for the command check
CONFIG_NOTE=

plan_config() {
  if [[ -n $USER_CONFIG ]]; then
    CONFIG_IN_EFFECT=$USER_CONFIG
    if [[ ! -f $CONFIG ]]; then
      CONFIG_SOURCE=$USER_CONFIG
      CONFIG_NOTE="config: installed $USER_CONFIG as $CONFIG"
    elif cmp -s "$USER_CONFIG" "$CONFIG"; then
      CONFIG_NOTE="config: $CONFIG already holds $USER_CONFIG"
    else
      CONFIG_SOURCE=$USER_CONFIG
      CONFIG_BACKUP=true
      CONFIG_NOTE="config: installed $USER_CONFIG as $CONFIG; the previous config is saved as $BACKUP"
    fi
  elif [[ ! -f $CONFIG ]]; then
    CONFIG_SOURCE=$DEFAULTS
    CONFIG_IN_EFFECT=$DEFAULTS
    CONFIG_NOTE="config: installed the defaults as $CONFIG"
  elif cmp -s "$CONFIG" "$DEFAULTS"; then
    CONFIG_IN_EFFECT=$CONFIG
    CONFIG_NOTE="config: $CONFIG already holds the current defaults"
  elif [[ -f $SHIPPED ]] && cmp -s "$CONFIG" "$SHIPPED"; then
    CONFIG_SOURCE=$DEFAULTS
    CONFIG_IN_EFFECT=$DEFAULTS
    CONFIG_NOTE="config: $CONFIG was unchanged since it was installed, so it now holds the new defaults"
  else
    # Edited by the user, or installed before the installer kept $SHIPPED: either way not ours.
    CONFIG_IN_EFFECT=$CONFIG
    CONFIG_NEW_DEFAULTS=true
    CONFIG_NOTE="config: kept your edited $CONFIG; the new defaults are in $NEW_DEFAULTS (diff the two to pick up new keys)"
  fi
}

install_config() {
  ensure_dir "$CONF_DIR"
  if [[ $CONFIG_BACKUP == true ]]; then
    run cp -p "$CONFIG" "$BACKUP"
  fi
  if [[ -n $CONFIG_SOURCE ]]; then
    run install -m 644 "$CONFIG_SOURCE" "$CONFIG"
  fi
  if [[ $CONFIG_NEW_DEFAULTS == true ]]; then
    run install -m 644 "$DEFAULTS" "$NEW_DEFAULTS"
  elif [[ -e $NEW_DEFAULTS && $CONFIG_SOURCE == "$DEFAULTS" ]]; then
    run rm -f "$NEW_DEFAULTS"
  fi
  if ! cmp -s "$DEFAULTS" "$SHIPPED"; then
    run install -m 644 "$DEFAULTS" "$SHIPPED"
  fi
}

# --- the plist -----------------------------------------------------------------------------------

# Escapes a value for XML, then for the replacement side of a sed s command delimited by \001.
sed_value() {
  printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/[\\&]/\\&/g'
}

render_plist() {
  local d=$'\001' rendered
  local -a mode_edit
  if [[ $MODE == daemon ]]; then
    mode_edit=(-e '/@@DAEMON_ONLY_BEGIN@@/d' -e '/@@DAEMON_ONLY_END@@/d')
  else
    mode_edit=(-e '/@@DAEMON_ONLY_BEGIN@@/,/@@DAEMON_ONLY_END@@/d')
  fi
  rendered=$(sed "${mode_edit[@]}" \
    -e "s${d}@@LABEL@@${d}$(sed_value "$LABEL")${d}g" \
    -e "s${d}@@BINARY@@${d}$(sed_value "$BINARY")${d}g" \
    -e "s${d}@@CONFIG@@${d}$(sed_value "$CONFIG")${d}g" \
    -e "s${d}@@USER@@${d}$(sed_value "$TARGET_USER")${d}g" \
    -e "s${d}@@HOME@@${d}$(sed_value "$TARGET_HOME")${d}g" \
    -e "s${d}@@LOG_DIR@@${d}$(sed_value "$LOG_DIR")${d}g" \
    -e "s${d}@@PATH@@${d}$(sed_value "$SERVICE_PATH")${d}g" \
    "$TEMPLATE")
  if printf '%s' "$rendered" | grep -q '@@[A-Z_]*@@'; then
    die "$TEMPLATE has a placeholder the installer does not fill: $(printf '%s' "$rendered" | grep -o '@@[A-Z_]*@@' | head -n 1)"
  fi
  printf '%s' "$rendered"
}

# --- launchd -------------------------------------------------------------------------------------

is_loaded() {
  if command -v launchctl >/dev/null 2>&1; then
    launchctl print "$SERVICE" >/dev/null 2>&1
  else
    # A dry run off macOS cannot ask launchd; an installed plist is as good as a loaded job.
    [[ -e $PLIST ]]
  fi
}

stop_if_loaded() {
  is_loaded || return 0
  # launchd sends SIGTERM and waits up to ExitTimeOut (30 s) for the daemon to stop its server.
  run launchctl bootout "$SERVICE"
  [[ $DRY_RUN == false ]] || return 0
  # bootout can return before the job is gone, and bootstrapping a job that is still being torn
  # down fails with "Bootstrap failed: 5: Input/output error".
  local waited=0
  while launchctl print "$SERVICE" >/dev/null 2>&1; do
    [[ $waited -lt 45 ]] || die "$SERVICE is still loaded 45 s after bootout; see launchctl print $SERVICE"
    sleep 1
    waited=$((waited + 1))
  done
}

# --- install -------------------------------------------------------------------------------------

mac_rid() {
  local arch
  arch=$(uname -m)
  # A shell running under Rosetta reports x86_64 on Apple silicon; build for the real CPU.
  if [[ $OS == Darwin && $(sysctl -n hw.optional.arm64 2>/dev/null || true) == 1 ]]; then
    arch=arm64
  fi
  case $arch in
    arm64 | aarch64) printf 'osx-arm64' ;;
    x86_64) printf 'osx-x64' ;;
    *) die "no macOS build for the $arch architecture" ;;
  esac
}

BUILD_DIR=

cleanup() {
  if [[ -n $BUILD_DIR && $DRY_RUN == false ]]; then
    rm -rf "$BUILD_DIR"
  fi
}

build() {
  local rid
  rid=$(mac_rid)
  if [[ $DRY_RUN == true ]]; then
    BUILD_DIR=${TMPDIR:-/tmp}/mlx-supervisor-build.XXXXXX
  else
    BUILD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mlx-supervisor-build.XXXXXX")
    trap cleanup EXIT
  fi
  # Built before the running service is touched, so a failed build leaves it running.
  # Single-file, so Serilog's assembly scanning does not work: appsettings.json lists its sinks
  # under "Using".
  if [[ $EUID -eq 0 && -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
    # Built as root, obj/, bin/ and ~/.nuget would end up owned by root and break later builds.
    [[ $DRY_RUN == true ]] || chown "$SUDO_USER" "$BUILD_DIR"
    run sudo -u "$SUDO_USER" -H "$DOTNET_BIN" publish "$PROJECT" -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -o "$BUILD_DIR"
  else
    run "$DOTNET_BIN" publish "$PROJECT" -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -o "$BUILD_DIR"
  fi
  if [[ $DRY_RUN == false && ! -x $BUILD_DIR/mlx-supervisor ]]; then
    die "the build did not produce $BUILD_DIR/mlx-supervisor"
  fi
}

install_program() {
  ensure_dir "$PREFIX/lib"
  if [[ -e $APP_DIR.new ]]; then
    run rm -rf "$APP_DIR.new" # left by an interrupted run
  fi
  # New files moved into place, never the old ones rewritten: macOS caches the code signature of
  # a file, and a signed binary changed in place is killed at launch ("Code Signature Invalid").
  run cp -R "$BUILD_DIR" "$APP_DIR.new"
  # mktemp made the folder 0700; the daemon may run as someone else than the owner.
  run chmod 755 "$APP_DIR.new"
  if [[ -e $APP_DIR ]]; then
    run rm -rf "$APP_DIR"
  fi
  run mv "$APP_DIR.new" "$APP_DIR"
  ensure_dir "$PREFIX/bin"
  run ln -sfn "$BINARY" "$BIN_LINK"
}

install_log_dir() {
  ensure_dir "$LOG_DIR"
  if [[ $MODE == daemon ]]; then
    # Created by root, written by the daemon running as the user.
    run chown "$TARGET_USER" "$LOG_DIR"
  fi
}

install_plist() {
  local content
  content=$(render_plist)
  ensure_dir "$(dirname "$PLIST")"
  write_file "$PLIST" "$content"
  if [[ $MODE == daemon ]]; then
    # launchd refuses a system job whose plist is not owned by root or is writable by others.
    run chown root:wheel "$PLIST"
  fi
  run chmod 644 "$PLIST"
}

start_service() {
  # enable before bootstrap: a job disabled earlier (launchctl disable, or unload -w) refuses to
  # bootstrap, and the enabled state outlives the job.
  run launchctl enable "$SERVICE"
  run launchctl bootstrap "$DOMAIN" "$PLIST"
}

do_install() {
  check_platform
  check_sources
  check_dotnet
  check_other_mode
  plan_config
  check_server_command "$CONFIG_IN_EFFECT"

  if [[ $DRY_RUN == true ]]; then
    say "# dry run: these are the steps and files; nothing is changed"
  fi
  build
  stop_if_loaded
  install_program
  install_config
  install_log_dir
  install_plist
  start_service

  local verb=installed what="LaunchAgent, starts at login" sudo=
  if [[ $DRY_RUN == true ]]; then
    verb="would install"
  fi
  if [[ $MODE == daemon ]]; then
    what="LaunchDaemon, starts at boot as $TARGET_USER"
    sudo="sudo "
  fi
  say ""
  say "$verb $LABEL ($what)"
  say "$CONFIG_NOTE"
  say "status:  launchctl print $SERVICE"
  say "logs:    tail -f $LOG_DIR/mlx-supervisor-*.log   (launchd: $LOG_DIR/launchd.stderr.log)"
  say "apply a config change:  ${sudo}launchctl kickstart -k $SERVICE"
}

# --- uninstall -----------------------------------------------------------------------------------

# Removes the given files that exist, then DIR if nothing else is left in it.
remove_files_and_dir() {
  local dir=$1 entry file ours others=false
  shift
  [[ -d $dir ]] || return 0
  for entry in "$dir"/* "$dir"/.[!.]*; do
    [[ -e $entry ]] || continue
    ours=false
    for file in "$@"; do
      if [[ $entry == "$file" ]]; then
        ours=true
      fi
    done
    [[ $ours == true ]] || others=true
  done
  for file in "$@"; do
    if [[ -e $file ]]; then
      run rm -f "$file"
    fi
  done
  if [[ $others == true ]]; then
    say "kept $dir: it holds files the installer did not put there"
  else
    run rmdir "$dir"
  fi
}

do_uninstall() {
  check_platform
  if [[ $DRY_RUN == true ]]; then
    say "# dry run: these are the steps; nothing is changed"
  fi
  stop_if_loaded
  if [[ -e $PLIST ]]; then
    run rm -f "$PLIST"
  fi
  if [[ -L $BIN_LINK || -e $BIN_LINK ]]; then
    run rm -f "$BIN_LINK"
  fi
  if [[ -e $APP_DIR ]]; then
    run rm -rf "$APP_DIR"
  fi

  if [[ $PURGE == true ]]; then
    remove_files_and_dir "$CONF_DIR" "$CONFIG" "$SHIPPED" "$NEW_DEFAULTS" "$BACKUP"
    local -a logs=()
    local log
    for log in "$LOG_DIR"/mlx-supervisor-*.log "$LOG_DIR"/launchd.stdout.log "$LOG_DIR"/launchd.stderr.log; do
      if [[ -e $log ]]; then
        logs+=("$log")
      fi
    done
    remove_files_and_dir "$LOG_DIR" ${logs[@]+"${logs[@]}"}
  else
    say "kept the config in $CONF_DIR and the logs in $LOG_DIR (--purge removes them)"
  fi
  if [[ -e $OTHER_PLIST && $MODE == daemon ]]; then
    say "note: a LaunchAgent is installed too ($OTHER_PLIST); remove it with deploy/uninstall.sh --agent"
  elif [[ -e $OTHER_PLIST ]]; then
    say "note: a LaunchDaemon is installed too ($OTHER_PLIST); remove it with sudo deploy/uninstall.sh"
  fi
}

if [[ $ACTION == uninstall ]]; then
  do_uninstall
else
  do_install
fi
