#!/usr/bin/env bash
# Installs what vtlemu needs to build and test, and is quick when all is there.
# Debian packages come from the machine's own apt sources. Unicorn 2.1.1 comes from
# Debian 13 (trixie) through a project-local apt configuration (same archive and
# keyring as the machine's own sources) and is unpacked under build/deps/, unless
# pkg-config already finds a Unicorn >= 2.1.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS="build-essential libcapstone-dev libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core
libcmocka-dev liblua5.4-dev libsodium-dev nasm pkg-config xvfb"
DEPS=build/deps
UNICORN_VERSION=2.1.1

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
else
  echo "deps: Debian packages present"
fi

if [ -f "$DEPS/unicorn/.complete" ]; then
  echo "deps: Unicorn $UNICORN_VERSION present in $DEPS/unicorn"
  exit 0
fi
if PKG_CONFIG_PATH= pkg-config --atleast-version=2.1 unicorn 2>/dev/null; then
  echo "deps: system Unicorn $(PKG_CONFIG_PATH= pkg-config --modversion unicorn) is recent enough"
  exit 0
fi

echo "deps: fetching Unicorn $UNICORN_VERSION (libunicorn-dev, libunicorn2t64) from Debian 13"
# The archive URI of the machine's own Debian sources (deb822 or one-line format).
uri=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  uri=$(awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 ~ /bookworm( |$)/ && u != "") {print u; exit} }' "$f")
  [ -n "$uri" ] && break
done
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1=="deb" && $0 ~ / bookworm / && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
  echo "deps: cannot find the machine's Debian archive in its apt sources" >&2
  exit 1
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

apt_dir="$PWD/$DEPS/apt"
rm -rf "$apt_dir" "$DEPS/unicorn"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$DEPS/unicorn"
printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$uri" > "$apt_dir/sources.list"
opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache::Archives="$apt_dir/archives"
      -o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" -o APT::Get::List-Cleanup=0
      -o Debug::NoLocking=1)
if [ "$(id -u)" = 0 ]; then opts+=(-o APT::Sandbox::User=root); fi
apt-get "${opts[@]}" update -qq
(cd "$apt_dir/archives" && apt-get "${opts[@]}" download -qq \
   "libunicorn-dev=$UNICORN_VERSION*" "libunicorn2t64=$UNICORN_VERSION*")
for deb in "$apt_dir"/archives/*.deb; do dpkg -x "$deb" "$DEPS/unicorn"; done

# A pkg-config file of our own for the unpacked copy; rpath so build/vtlemu finds it.
root="$PWD/$DEPS/unicorn/usr"
lib=$(dirname "$(find "$root" -name 'libunicorn.so.2' | head -1)")
[ -f "$lib/libunicorn.so.2" ] || { echo "deps: libunicorn.so.2 missing from the downloaded packages" >&2; exit 1; }
mkdir -p "$DEPS/pkgconfig"
cat > "$DEPS/pkgconfig/unicorn.pc" <<PC
libdir=$lib
includedir=$root/include
Name: unicorn
Description: Unicorn emulator engine (Debian 13 package, unpacked for vtlemu)
Version: $UNICORN_VERSION
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lunicorn
Libs.private: -lpthread -lm
Cflags: -I\${includedir}
PC
touch "$DEPS/unicorn/.complete"
echo "deps: Unicorn $(PKG_CONFIG_PATH="$PWD/$DEPS/pkgconfig" pkg-config --modversion unicorn) in $DEPS/unicorn"
