# Puts a Node.js the project supports first on PATH, for the current shell:
#
#   source scripts/use-node.sh
#
# When the machine's own `node` is new enough it is used as it is. Otherwise Node 24 LTS is installed from
# the npm registry (the `node-<os>-<arch>` packages carry the real binary and its headers) into
# .cache/node/ beside this script's project, once, and put first on PATH. The registry is the one place
# every machine here can reach, and it needs no root. It prints the version in use.
#
# Sourced, not run: it must change the caller's PATH, so it returns instead of exiting on failure.

# Where this file is, read at the top level: inside a function zsh's $0 is the function's name.
playground_use_node_source="${BASH_SOURCE[0]:-$0}"

playground_use_node() {
  local wanted_major=24
  local root cache platform arch current_major
  root="$(cd "$(dirname "$playground_use_node_source")/.." && pwd)" || return 1
  cache="${PLAYGROUND_NODE_CACHE:-$root/.cache/node}"

  current_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$current_major" -ge "$wanted_major" ] 2>/dev/null; then
    echo "Using Node.js $(node -v) from $(command -v node)"
    return 0
  fi

  case "$(uname -s)" in
    Linux) platform=linux ;;
    Darwin) platform=darwin ;;
    *) echo "use-node.sh: no Node.js package for $(uname -s); install Node.js $wanted_major yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "use-node.sh: no Node.js package for $(uname -m); install Node.js $wanted_major yourself" >&2; return 1 ;;
  esac

  local package="node-$platform-$arch"
  local bin="$cache/node_modules/$package/bin"
  if ! "$bin/node" -v >/dev/null 2>&1; then
    echo "Node.js $(node -v 2>/dev/null || echo "(none)") is older than $wanted_major: installing $package@$wanted_major into $cache"
    mkdir -p "$cache" || return 1
    # A folder of its own with no package.json of ours, so the project's dependencies are not touched.
    if ! npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "$package@$wanted_major"; then
      echo "use-node.sh: could not install $package@$wanted_major from the npm registry; install Node.js $wanted_major yourself" >&2
      return 1
    fi
  fi
  # npm on these machines is set to build native addons against the system Node's headers (nodedir);
  # point it at the headers that came with this Node instead.
  npm_config_nodedir="$cache/node_modules/$package" && export npm_config_nodedir
  case ":$PATH:" in
    *":$bin:"*) ;;
    *) PATH="$bin:$PATH" && export PATH ;;
  esac
  hash -r 2>/dev/null
  echo "Using Node.js $(node -v) from $bin"
}

playground_use_node
