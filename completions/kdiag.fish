# fish completion for kdiag(1). Installed as /usr/share/fish/vendor_completions.d/kdiag.fish,
# fish's directory for completions shipped by packages. Every long option of `kdiag --help` is
# listed here (tests/install_test.sh checks it).

set -l subcommands list patterns check

complete -c kdiag -s h -l help -d 'Print the options and exit'
complete -c kdiag -l version -d 'Print the version and exit'
complete -c kdiag -l output -x -a 'text ndjson' -d 'Output format'
complete -c kdiag -l output-file -r -F -d 'Write the output to FILE instead of stdout'
complete -c kdiag -l emit -x -a 'xend-quirks sysfs-quirks xl xend-permissive' -d 'Print only this remediation artifact'
complete -c kdiag -l merge -r -F -d 'With --emit xend-quirks: FILE with the new fields merged in'
complete -c kdiag -l lspci -r -F -d 'lspci -n, -nn, -vmm -n or -nnvv output'
complete -c kdiag -l sysfs -x -a '(__fish_complete_directories)' -d 'A sysfs root to read PCI device IDs from'
complete -c kdiag -l pci-ids -r -F -d 'The pci.ids database (none: no names)'
complete -c kdiag -l rules -x -a '(__fish_complete_directories)' -d 'Add the *.toml rule files of DIR'
complete -c kdiag -l no-embedded-rules -d 'Use only the rules of --rules DIR'
complete -c kdiag -l fail-on -x -a 'info notice warning error critical' -d 'Exit 1 when a finding at or above SEVERITY exists'
complete -c kdiag -l threads -x -d 'Worker threads (default: all cores)'
complete -c kdiag -l format -x -a 'auto console kmsg dmesg-json journal-json journal-export journal-verbose xend qemu-dm xen-guest-console' -d 'Input format'
complete -c kdiag -l records -d 'With --output ndjson: also emit every record'
complete -c kdiag -l journal -r -F -d 'A binary journal file or directory'
complete -c kdiag -l source -x -a guest -d 'source guest PATH: logs a guest wrote'
complete -c kdiag -l kmsg -d 'Read the kernel ring buffer from /dev/kmsg'
complete -c kdiag -l follow -d 'Follow the file, /dev/kmsg or stdin'
complete -c kdiag -l from-end -d 'With --follow and no saved state: only new lines'
complete -c kdiag -l state -r -F -d 'Checkpoint FILE'
complete -c kdiag -l omprog -d "Speak rsyslog's omprog protocol on stdin/stdout"
complete -c kdiag -l metrics -r -F -d 'Write Prometheus text-format metrics to FILE'

complete -c kdiag -n '__fish_use_subcommand' -a rules -d 'Inspect and check rules'
complete -c kdiag -n "__fish_seen_subcommand_from rules; and not __fish_seen_subcommand_from $subcommands" -f -a list -d 'List every rule'
complete -c kdiag -n "__fish_seen_subcommand_from rules; and not __fish_seen_subcommand_from $subcommands" -f -a patterns -d 'Print every rule pattern, one per line'
complete -c kdiag -n "__fish_seen_subcommand_from rules; and not __fish_seen_subcommand_from $subcommands" -f -a check -d 'Validate rule directories and run every example'
