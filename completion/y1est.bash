# bash completion for y1est: subcommands, their commands and options.
# The options are read from `y1est SUBCOMMAND --help` of the y1est being completed, so they
# always match the installed binary. Installed as share/bash-completion/completions/y1est.

_y1est_options()
{
    # $1: the y1est command, then the subcommand words ("estimate", "cadence summary", ...)
    local y1=$1
    shift
    "$y1" "$@" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
    printf '%s\n' --datadir --quiet
}

_y1est_subcommands()
{
    # the subcommands the usage of this y1est names ("y1est cadence summary|synth ...")
    echo estimate
    "$1" --help 2>/dev/null | sed -nE 's/^(usage:)? *y1est ([a-z][a-z-]*).*/\2/p' | sort -u
}

_y1est()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local y1=${COMP_WORDS[0]} sub= cmd= i w
    COMPREPLY=()
    # the subcommand and its command: the first words that are not options
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --datadir) ((i++)); continue ;;
            -*) [ -z "$sub" ] && sub=estimate; continue ;;
        esac
        if [ -z "$sub" ]; then sub=$w
        elif [ -z "$cmd" ]; then cmd=$w; fi
    done
    case $prev in
        --cadence|--out|--models|--products|--camera|--workload|--bps|--ids|--coadds|--plots|--measured)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --skymap)
            COMPREPLY=($(compgen -W "dc2 lsst_cells_v1" -- "$cur") $(compgen -f -- "$cur")); return ;;
        --overlap)
            COMPREPLY=($(compgen -W "exact bbox" -- "$cur")); return ;;
        --plot-format)
            COMPREPLY=($(compgen -W "png svg pdf" -- "$cur")); return ;;
        --pipeline)
            COMPREPLY=($(compgen -W "rtn028 rtn109-w_2025_41" -- "$cur") $(compgen -f -- "$cur")); return ;;
        --detectors)
            COMPREPLY=($(compgen -W "all rtn109-dp2" -- "$cur")); return ;;
        --datadir)
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --format)
            COMPREPLY=($(compgen -W "md csv json text" -- "$cur")); return ;;
        --footprint)
            COMPREPLY=($(compgen -W "circle lsstcam" -- "$cur")); return ;;
        --rotation)
            COMPREPLY=($(compgen -W "rotskypos random" -- "$cur")); return ;;
        --program)
            COMPREPLY=($(compgen -W "wfd ddf other all" -- "$cur")); return ;;
        --platform)
            COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "all" -- "$cur"))
            return ;;
    esac
    if [ -z "$sub" ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version $(_y1est_options "$y1" estimate)" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_y1est_subcommands "$y1")" -- "$cur"))
        fi
        return
    fi
    case $sub in
        cadence|models|skymap)
            if [ -z "$cmd" ] && [[ $cur != -* ]]; then
                case $sub in
                    cadence) COMPREPLY=($(compgen -W "summary synth" -- "$cur")) ;;
                    models) COMPREPLY=($(compgen -W "fit show" -- "$cur")) ;;
                    skymap) COMPREPLY=($(compgen -W "tract find" -- "$cur")) ;;
                esac
                return
            fi
            ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_y1est_options "$y1" $sub $cmd)" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _y1est y1est
