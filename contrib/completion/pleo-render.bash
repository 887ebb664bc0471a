# bash completion for pleo-render (and for it installed as `kustomize`).
# Installed by `cmake --install` into share/bash-completion/completions.

_pleo_render()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    }
    local build_flags="--output -o --load-restrictor --reorder --enable-managedby-label
        --enable-helm --helm-command --helm-api-versions --helm-kube-version --helm-debug
        --enable-alpha-plugins --enable-exec --env -e --mount --network --network-name
        --as-current-user --help -h"

    case $prev in
        --load-restrictor) COMPREPLY=($(compgen -W "LoadRestrictionsRootOnly LoadRestrictionsNone" -- "$cur")); return ;;
        --reorder) COMPREPLY=($(compgen -W "legacy none" -- "$cur")); return ;;
        -o|--output)
            if [ "${words[1]}" = version ]; then
                COMPREPLY=($(compgen -W "yaml json" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return ;;
        -C) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --helm-command) COMPREPLY=($(compgen -c -- "$cur")); return ;;
        -e|--env|--mount|--network-name|--helm-api-versions|--helm-kube-version) return ;;
    esac

    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "build edit version help --help --version" -- "$cur") $(compgen -d -- "$cur"))
        return
    fi
    case ${words[1]} in
        edit)
            # edit [-C DIR]... VERB NOUN ARGS
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
                COMPREPLY=($(compgen -W "set add remove -C --help" -- "$cur"))
            elif [ -z "$noun" ]; then
                case $verb in
                    set) COMPREPLY=($(compgen -W "image namespace replicas" -- "$cur")) ;;
                    add) COMPREPLY=($(compgen -W "resource" -- "$cur")) ;;
                    remove) COMPREPLY=($(compgen -W "resource" -- "$cur")) ;;
                esac
            elif [ "$noun" = resource ]; then
                COMPREPLY=($(compgen -W "--no-verify" -- "$cur") $(compgen -f -- "$cur"))
            fi ;;
        version) COMPREPLY=($(compgen -W "--short --output -o --help" -- "$cur")) ;;
        help) [ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "build edit version help" -- "$cur")) ;;
        *)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$build_flags" -- "$cur"))
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi ;;
    esac
}
complete -F _pleo_render pleo-render
