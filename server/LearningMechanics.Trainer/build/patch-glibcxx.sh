#!/bin/sh
# Marks the GLIBCXX_3.4.32 version need of libLibTorchSharp.so (TorchSharp 0.107.0) as WEAK, in the copy in the
# build or publish output only; the NuGet cache is never touched. See ENVIRONMENT.md ("TorchSharp on Debian 12").
#
# Why it is safe: the only symbol at that version is _ZSt21ios_base_library_initv and no relocation refers to it,
# so a libstdc++ without GLIBCXX_3.4.32 (Debian 12 ships 3.4.30) serves the library once the need is weak.
# Guards: the file's sha256 must be the known original (or the known patched result), and readelf must show the
# vernaux entry at the expected place with "Flags: none". Idempotent. A no-op when the system libstdc++ already
# provides GLIBCXX_3.4.32. Offsets are decimal (MSBuild eats $((0x...)) in Exec).
#   .gnu.version_r at file offset 260336 (0x3f8f0); GLIBCXX_3.4.32 vernaux at +320 (0x140); vna_flags at +4.
set -eu

lib="$1"
original_sha=cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8
patched_sha=5968efac8270eff8a2b5ca7381612ea9cc54d81cf4104a54e0e6106b7b5f11e3
flags_offset=260660

say() { echo "patch-glibcxx: $*"; }

if [ ! -f "$lib" ]; then
  say "$lib not found; nothing to patch"
  exit 0
fi

for candidate in $(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF }') /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
  if [ -f "$candidate" ] && grep -q 'GLIBCXX_3\.4\.32' "$candidate"; then
    say "$candidate provides GLIBCXX_3.4.32; no patch needed"
    exit 0
  fi
done

sha=$(sha256sum "$lib" | cut -d' ' -f1)
if [ "$sha" = "$patched_sha" ]; then
  say "already patched: $lib"
  exit 0
fi
if [ "$sha" != "$original_sha" ]; then
  say "not patching $lib: unknown sha256 $sha (a TorchSharp version other than 0.107.0?). If the trainer then reports a GLIBCXX_3.4.32 error, update this script's offsets and hashes."
  exit 0
fi
if ! command -v readelf >/dev/null 2>&1; then
  say "readelf not found (apt-get install binutils); not patching $lib"
  exit 0
fi
if ! readelf -V "$lib" | grep -q '0x0140:   Name: GLIBCXX_3.4.32  Flags: none'; then
  say "readelf does not show the expected GLIBCXX_3.4.32 entry at 0x0140; not patching $lib"
  exit 0
fi

# Break a hard link (CreateHardLinksForCopyLocalIfPossible) so the NuGet cache's copy stays as it is.
if [ "$(stat -c %h "$lib")" -gt 1 ]; then
  cp "$lib" "$lib.patching"
  mv -f "$lib.patching" "$lib"
fi

printf '\002\000' | dd of="$lib" bs=1 seek="$flags_offset" count=2 conv=notrunc status=none

sha=$(sha256sum "$lib" | cut -d' ' -f1)
if [ "$sha" != "$patched_sha" ] || ! readelf -V "$lib" | grep -q 'Name: GLIBCXX_3.4.32  Flags: WEAK'; then
  say "patch of $lib did not give the expected result (sha256 $sha); delete the file and rebuild"
  exit 1
fi
say "marked GLIBCXX_3.4.32 WEAK in $lib"
