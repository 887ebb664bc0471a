# bash completion for pleo-render.
# Installed by `cmake --install` into share/bash-completion/completions.
# Offers every command, every edit command of `pleo-render edit --help`
# and every flag of `pleo-render build --help` and `diff --help`;
# tests/cli/check-completion.sh holds it to those help texts.

_pleo_render_build_flags="--output -o --load-restrictor --reorder --enable-managedby-label
    --enable-helm --helm-command --helm-api-versions --helm-kube-version --helm-debug
    --enable-alpha-plugins --enable-exec --env -e --mount --network --network-name
    --as-current-user --all --shard --jobs -j --help -h"

_pleo_render_diff_flags="--format --color --unified -U --show-secrets --git
    --load-restrictor --reorder --enable-managedby-label
    --enable-helm --helm-command --helm-api-versions --helm-kube-version --helm-debug
    --enable-alpha-plugins --enable-exec --env -e --mount --network --network-name
    --as-current-user --help -h"

# The nouns of each edit verb, as `pleo-render edit --help` lists them.
_pleo_render_edit_nouns() {
    case $1 in
        set) echo "image namespace replicas nameprefix namesuffix label annotation configmap secret buildmetadata" ;;
        add) echo "resource component base label annotation configmap secret patch buildmetadata generator transformer" ;;
        remove) echo "resource component label annotation patch transformer buildmetadata configmap secret" ;;
    esac
}

# The flags of one edit command.
_pleo_render_edit_flags() {
    local patch_flags="--path= --patch= --group= --version= --kind= --name= --namespace=
        --label-selector= --annotation-selector="
    case "$1 $2" in
        "add resource") echo "--no-verify" ;;
        "add label") echo "--force -f --without-selector --include-templates" ;;
        "add annotation") echo "--force -f" ;;
        "remove label"|"remove annotation") echo "--ignore-non-existence -i" ;;
        "add configmap") echo "--from-literal= --from-file= --from-env-file= --behavior= --disableNameSuffixHash --namespace=" ;;
        "add secret") echo "--from-literal= --from-file= --from-env-file= --type= --behavior= --disableNameSuffixHash --namespace=" ;;
        "set configmap"|"set secret") echo "--from-literal= --namespace= --new-namespace=" ;;
        "remove configmap"|"remove secret") echo "--namespace=" ;;
        "add patch"|"remove patch") echo "$patch_flags" ;;
    esac
    echo "--help"
}

_pleo_render()
{
    local cur prev words cword split=false
    # -s: --flag=VALUE completes VALUE with prev set to --flag
    _init_completion -s 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
        # without bash-completion, '=' is a word of its own
        if [ "$cur" = "=" ]; then
            cur=""
        elif [ "$prev" = "=" ] && [ "$cword" -ge 2 ]; then
            prev=${words[cword-2]}
        fi
    }

    # Values of flags (--flag VALUE or --flag=VALUE).
    case $prev in
        --load-restrictor) COMPREPLY=($(compgen -W "LoadRestrictionsRootOnly LoadRestrictionsNone" -- "$cur")); return ;;
        --reorder) COMPREPLY=($(compgen -W "legacy none" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "text markdown json" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --behavior) COMPREPLY=($(compgen -W "create merge replace" -- "$cur")); return ;;
        -o|--output)
            if [ "${words[1]}" = version ]; then
                COMPREPLY=($(compgen -W "yaml json" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return ;;
        -C|--all) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --path|--from-file|--from-env-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --helm-command) COMPREPLY=($(compgen -c -- "$cur")); return ;;
        -e|--env|--mount|--network-name|--helm-api-versions|--helm-kube-version|--shard|-j|--jobs|-U|--unified)
            return ;;
    esac

    if [ "$cword" -eq 1 ]; then
        # no command means build, so build's flags are offered too
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$_pleo_render_build_flags --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "build edit diff version help" -- "$cur") $(compgen -d -- "$cur"))
        fi
        return
    fi
    case ${words[1]} in
        edit)
            # edit [-C DIR]... VERB [NOUN] ARGS
            local i=2 verb="" noun=""
            while [ $i -lt "$cword" ]; do
                case ${words[i]} in
                    -C) i=$((i + 2)); continue ;;
                    -*) ;;
                    *) if [ -z "$verb" ]; then verb=${words[i]}; elif [ -z "$noun" ]; then noun=${words[i]}; fi ;;
                esac
                i=$((i + 1))
            done
            if [ -z "$verb" ]; then
                COMPREPLY=($(compgen -W "set add remove fix listbuiltin -C --help" -- "$cur"))
            elif [ "$verb" = fix ] || [ "$verb" = listbuiltin ]; then
                COMPREPLY=($(compgen -W "--help" -- "$cur"))
            elif [ -z "$noun" ]; then
                COMPREPLY=($(compgen -W "$(_pleo_render_edit_nouns "$verb")" -- "$cur"))
            elif [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$(_pleo_render_edit_flags "$verb" "$noun")" -- "$cur"))
                # --flag= takes its value in the same word
                [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
            else
                case "$noun" in
                    buildmetadata)
                        COMPREPLY=($(compgen -W "originAnnotations transformerAnnotations managedByLabel" -- "$cur")) ;;
                    resource|component|base|generator|transformer) COMPREPLY=($(compgen -f -- "$cur")) ;;
                esac
            fi ;;
        diff)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$_pleo_render_diff_flags --" -- "$cur"))
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi ;;
        version) COMPREPLY=($(compgen -W "--short --output -o --help" -- "$cur")) ;;
        help) [ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "build edit diff version help" -- "$cur")) ;;
        *)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$_pleo_render_build_flags" -- "$cur"))
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi ;;
    esac
}
complete -F _pleo_render pleo-render
