#!/usr/bin/env bash
# Install the system packages the PDF build and the browser/PDF tests need.
#   scripts/system_deps.sh          # TeX + poppler-utils + chromium
#   scripts/system_deps.sh tex      # only what `make pdf` needs
# Debian/Ubuntu only (apt-get); runs `apt-get update` only when something is
# missing, so a rerun on a ready machine takes a fraction of a second.
set -euo pipefail

TEX_PKGS=(texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra
          texlive-xetex latexmk fonts-freefont-otf)
TEST_PKGS=(poppler-utils)
what="${1:-all}"

pkgs=("${TEX_PKGS[@]}")
if [[ "$what" == all ]]; then
    pkgs+=("${TEST_PKGS[@]}")
fi

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_browser() {
    [[ -n "${CHROMIUM:-}" && -x "${CHROMIUM}" ]] && return 0
    local b
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$b" >/dev/null 2>&1 && return 0
    done
    return 1
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${pkgs[@]}"; do have_pkg "$p" || missing+=("$p"); done
else
    # Not a dpkg system: check the commands instead.
    for c in xelatex latexmk; do command -v "$c" >/dev/null || missing+=("$c"); done
    [[ "$what" == all ]] && { command -v pdftotext >/dev/null || missing+=(poppler-utils); }
fi
if [[ "$what" == all ]] && ! have_browser; then
    missing+=(chromium)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all present"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<MSG
system-deps: missing: ${missing[*]}
This machine has no apt-get.  Install with your package manager:
  - a TeX distribution with xelatex, latexmk, the LaTeX 'recommended' and
    'extra' collections and the GNU FreeFont OpenType fonts (FreeSerif...)
  - poppler-utils (pdftotext, pdfinfo, pdfimages, pdffonts)
  - Chromium (or set CHROMIUM=/path/to/chromium)
then run make again.
MSG
    exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "system-deps: missing ${missing[*]}; not root and no sudo: install them as root:" >&2
        echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
# Ubuntu names its (snap-backed) package chromium-browser.
for i in "${!missing[@]}"; do
    if [[ "${missing[$i]}" == chromium ]] && ! apt-cache show chromium >/dev/null 2>&1; then
        missing[$i]=chromium-browser
    fi
done
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
