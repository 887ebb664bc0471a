#!/usr/bin/env bash
# Shell completion against the program it completes: the bash script must
# offer every command, every edit command listed by `pleo-render edit
# --help`, every flag of `build --help`, `diff --help` and each edit
# command's help, and nothing the program would refuse (each offered edit
# command's --help must exit 0, each offered flag must be in a help text).
# The zsh script is checked for the same commands and parsed when zsh is
# installed. Runs the bash function directly, without bash-completion
# (whose absence the script handles).
# usage: check-completion.sh PLEO_RENDER PROJECT_ROOT
set -u
bin=$1 root=$2
bash_script=$root/contrib/completion/pleo-render.bash
zsh_script=$root/contrib/completion/_pleo-render
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# shellcheck source=/dev/null
source "$bash_script" || { echo "FAIL: $bash_script does not load"; exit 1; }

# Completions for a command line, one per line. A trailing space starts a
# new, empty word; '=' is a word of its own, as bash splits COMP_WORDS.
offered() {
  local line=$1
  line=${line//=/ = }
  read -r -a COMP_WORDS <<<"$line"
  [[ $1 == *" " || $1 == *"=" ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$1 COMP_POINT=${#1}
  COMPREPLY=()
  _pleo_render 2>/dev/null
  printf '%s\n' "${COMPREPLY[@]}"
}
# offers LINE WORD...: each WORD is among LINE's completions.
offers() {
  local line=$1 got w; shift
  got=$(offered "$line")
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$got" || bad "'$line' does not offer '$w' (offers: $(echo $got))"
  done
}
# Long flags a help text names.
flags_of() { grep -oE -- '(^|[^a-zA-Z0-9-])--[a-zA-Z][a-zA-Z-]*' | grep -oE -- '--[a-zA-Z-]+' | sort -u; }

# Commands.
offers "pleo-render " build edit diff version help
offers "pleo-render help " build edit diff version help
for c in $(offered "pleo-render " | grep -v -- '^-' | grep -vxF -e build -e edit -e diff -e version -e help); do
  [ -d "$c" ] || bad "top level offers '$c', which is neither a command nor a directory"
done

# Edit commands: what the help lists, completion offers, and back.
edit_help=$("$bin" edit --help)
cmds=$(sed -nE 's/.*pleo-render edit (\[-C DIR\]\.\.\. )?([a-z]+)( ([a-z]+))?.*/\2 \4/p' <<<"$edit_help" | sort -u)
[ "$(wc -l <<<"$cmds")" -ge 20 ] || bad "could not read the edit commands from edit --help: $cmds"
while read -r verb noun; do
  offers "pleo-render edit " "$verb"
  offers "pleo-render edit -C dir " "$verb"
  [ -n "$noun" ] && offers "pleo-render edit $verb " "$noun"
done <<<"$cmds"
for verb in set add remove; do
  for noun in $(offered "pleo-render edit $verb "); do
    "$bin" edit "$verb" "$noun" --help >/dev/null 2>&1 ||
      bad "completion offers 'edit $verb $noun', which the program does not know"
    # Flags: those of the command's help offered, and only those.
    help=$("$bin" edit "$verb" "$noun" --help)
    want=$(flags_of <<<"$help")
    got=$(offered "pleo-render edit $verb $noun --" | sed 's/=$//')
    for f in $want; do grep -qxF -- "$f" <<<"$got" || bad "'edit $verb $noun' does not offer $f"; done
    for f in $(grep -- '^--' <<<"$got"); do
      [ "$f" = --help ] || grep -qxF -- "$f" <<<"$want" || bad "'edit $verb $noun' offers $f, not in its help"
    done
  done
done
offers "pleo-render edit add buildmetadata " originAnnotations transformerAnnotations managedByLabel
offers "pleo-render edit add configmap x --behavior " create merge replace
offers "pleo-render edit add configmap x --behavior=" create merge replace

# Build and diff flags, both ways.
build_help=$("$bin" build --help | sed 's/helm template --debug/helm template/')
for f in $(flags_of <<<"$build_help"); do
  offers "pleo-render build --" "$f"
  offers "pleo-render --" "$f"
done
for f in $(offered "pleo-render build --" | grep -- '^--'); do
  grep -qF -- "$f" <<<"$build_help" || bad "build completion offers $f, not in build --help"
done
offers "pleo-render build -" -o -e -j -h
diff_help=$("$bin" diff --help)
for f in $(flags_of <<<"$diff_help"); do
  [ "$f" = --flag ] || offers "pleo-render diff --" "$f"
done
for f in $(offered "pleo-render diff --" | grep -- '^--.'); do
  grep -qF -- "$f" <<<"$diff_help$build_help" || bad "diff completion offers $f, in no help"
  [ "$f" = --output ] && bad "diff completion offers --output, which diff refuses"
done
offers "pleo-render diff --format " text markdown json
offers "pleo-render diff --color=" auto always never
offers "pleo-render build --load-restrictor " LoadRestrictionsRootOnly LoadRestrictionsNone
offers "pleo-render version -o " yaml json

# No "accepted but unsupported" for what works.
if grep -nE 'accepted; |not rendered|not (yet )?supported|unsupported' "$bash_script" "$zsh_script"; then
  bad "a completion describes a working feature as unsupported"
fi

# zsh: the same commands named; parsed when zsh is here.
for w in diff fix listbuiltin --all --shard --jobs buildmetadata nameprefix namesuffix configmap \
         secret patch component base label annotation; do
  grep -qF -- "$w" "$zsh_script" || bad "zsh completion lacks $w"
done
if command -v zsh >/dev/null; then
  zsh -n "$zsh_script" || bad "zsh completion does not parse"
fi

[ "$fail" -eq 0 ] && echo "completion: OK"
exit "$fail"
