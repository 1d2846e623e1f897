# bash completion for kdiag(1). Installed as /usr/share/bash-completion/completions/kdiag, where
# bash-completion loads it the first time `kdiag` is completed. Every long option of
# `kdiag --help` is listed here (tests/install_test.sh checks it).

_kdiag() {
    local cur prev words cword
    _init_completion || return

    case $prev in
        --output | -o)
            COMPREPLY=($(compgen -W 'text ndjson html' -- "$cur"))
            return ;;
        --color)
            COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
            return ;;
        --min-severity)
            COMPREPLY=($(compgen -W 'info notice warning error critical' -- "$cur"))
            return ;;
        --since | --until | --boot | --rule | --skip-rule)
            return ;;
        --emit)
            COMPREPLY=($(compgen -W 'xend-quirks sysfs-quirks xl xend-permissive' -- "$cur"))
            return ;;
        --fail-on)
            COMPREPLY=($(compgen -W 'info notice warning error critical' -- "$cur"))
            return ;;
        --format)
            COMPREPLY=($(compgen -W 'auto console kmsg dmesg-json journal-json journal-export
                journal-verbose xend qemu-dm xen-guest-console' -- "$cur"))
            return ;;
        --source)
            COMPREPLY=($(compgen -W 'guest' -- "$cur"))
            return ;;
        --threads)
            return ;;
        --rules | --sysfs)
            _filedir -d
            return ;;
        --output-file | --merge | --lspci | --pci-ids | --journal | --state | --metrics | --html | \
            --config)
            _filedir
            return ;;
    esac
    # The path after `--source guest`.
    if [[ $cword -ge 2 && ${words[cword - 2]} == --source ]]; then
        _filedir
        return
    fi

    # `kdiag rules SUBCOMMAND`, and `kdiag rules check DIR...`.
    local i
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} == rules ]]; then
            if ((i + 1 == cword)); then
                COMPREPLY=($(compgen -W 'list patterns check' -- "$cur"))
            elif [[ ${words[i + 1]} == check ]]; then
                _filedir -d
            fi
            return
        fi
    done

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--help --version --output --output-file --emit --merge --lspci
            --sysfs --pci-ids --rules --no-embedded-rules --fail-on --threads --format --records
            --journal --source --kmsg --follow --from-end --state --omprog --metrics --html --color
            --quiet --since --until --boot --list-boots --min-severity --rule --skip-rule --config
            --no-config' -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -W 'rules' -- "$cur"))
    _filedir
}
complete -F _kdiag kdiag
