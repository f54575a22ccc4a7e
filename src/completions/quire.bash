# bash completion for quire(1)
_quire()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
    }
    local commands="build init watch dump trace check-print"
    local opts="--out --format --metadata --from --check --stats --no-page-list --allow-outside --trim
        --margins --font --font-size --leading --recto-chapters --print --paper --break --color --quiet
        --verbose --why --help --version --list-fonts --title --author"
    case $prev in
    -f | --format) COMPREPLY=($(compgen -W "epub pdf epub,pdf" -- "$cur")); return ;;
    --from) COMPREPLY=($(compgen -W "markdown text" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --trim) COMPREPLY=($(compgen -W "a5 a4 letter 5.5x8.5in 6x9in" -- "$cur")); return ;;
    --print) COMPREPLY=($(compgen -W "pod none" -- "$cur")); return ;;
    --paper) COMPREPLY=($(compgen -W "white cream colour" -- "$cur")); return ;;
    -M | --metadata)
        COMPREPLY=($(compgen -W "title= subtitle= author= language= date= publisher= rights=
            description= identifier= source=" -- "$cur"))
        compopt -o nospace 2>/dev/null
        return ;;
    --font)
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(quire --list-fonts 2>/dev/null)" -- "$cur"))
        return ;;
    -o | --out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version --list-fonts" -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _quire quire
