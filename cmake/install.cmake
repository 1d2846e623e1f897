# What `cmake --install` puts where (and so what the .deb of cmake/package.cmake holds).
#
#   PREFIX/bin/kdiag
#   PREFIX/share/kdiag/rules/*.toml    the shipped rules (also embedded in the binary), to read and
#                                      to start one's own --rules DIR from
#   PREFIX/share/kdiag/schema/         the JSON Schema of the NDJSON output, when schema/ exists
#   PREFIX/share/man/man1/kdiag.1.gz
#   PREFIX/share/bash-completion/completions/kdiag, PREFIX/share/fish/vendor_completions.d/
#   kdiag.fish, and _kdiag in PREFIX/share/zsh/vendor-completions (prefix /usr: Debian's
#   directory) or PREFIX/share/zsh/site-functions (other prefixes: in zsh's default $fpath)
#   UNITDIR/kdiag.service              the sidecar (not enabled: `systemctl enable --now kdiag`);
#                                      prefix /usr: systemd.pc's systemdsystemunitdir (Debian 12:
#                                      /lib/systemd/system), else PREFIX/lib/systemd/system, which
#                                      systemd also searches
#   SYSCONFDIR/logrotate.d/kdiag       rotation of the sidecar's event file (GNUInstallDirs'
#                                      SYSCONFDIR: /etc for the prefix /usr)
#   PREFIX/share/doc/kdiag/examples/   rsyslog (omprog), Vector and Fluent Bit configurations
#
# Files that name kdiag's installed path (the unit, the rsyslog and Vector examples, the man page)
# are configured from their *.in sources at install time, with the prefix of that install: so
# `cmake --install build --prefix /usr`, and CPack (which installs with DESTDIR, below), write
# /usr/bin/kdiag into them, and nothing names /usr/local/bin unless kdiag goes there
# (cmake/install_configured.cmake).
include(GNUInstallDirs)

pkg_get_variable(KDIAG_DEBIAN_UNIT_DIR systemd systemdsystemunitdir)
find_program(KDIAG_GZIP gzip REQUIRED)

# The man page as the build tree's kdiag knows it (tests read it; `man -l build/kdiag.1`).
set(KDIAG_FULL_RULES_DIR "${CMAKE_INSTALL_FULL_DATADIR}/kdiag/rules")
set(KDIAG_FULL_SCHEMA_DIR "${CMAKE_INSTALL_FULL_DATADIR}/kdiag/schema")
set(KDIAG_FULL_EXAMPLES_DIR "${CMAKE_INSTALL_FULL_DOCDIR}/examples")
set(KDIAG_FULL_SYSCONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}")
set(KDIAG_FULL_UNIT_DIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
configure_file(${PROJECT_SOURCE_DIR}/man/kdiag.1.in ${PROJECT_BINARY_DIR}/kdiag.1 @ONLY)

install(TARGETS kdiag RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kdiag/rules
        FILES_MATCHING PATTERN "*.toml" PATTERN "README.md")
if(EXISTS ${PROJECT_SOURCE_DIR}/schema)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kdiag/schema)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/completions/kdiag.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME kdiag)
install(FILES ${PROJECT_SOURCE_DIR}/completions/kdiag.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${PROJECT_SOURCE_DIR}/contrib/fluent-bit/kdiag.conf
              ${PROJECT_SOURCE_DIR}/contrib/fluent-bit/parsers.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/fluent-bit)
install(CODE "
  set(KDIAG_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
  set(KDIAG_STAGE \"${PROJECT_BINARY_DIR}/install-stage\")
  set(KDIAG_VERSION \"${PROJECT_VERSION}\")
  set(KDIAG_DEBIAN_UNIT_DIR \"${KDIAG_DEBIAN_UNIT_DIR}\")
  set(KDIAG_GZIP \"${KDIAG_GZIP}\")
  set(KDIAG_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(KDIAG_DATADIR \"${CMAKE_INSTALL_DATADIR}\")
  set(KDIAG_MANDIR \"${CMAKE_INSTALL_MANDIR}\")
  set(KDIAG_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  include(\"${PROJECT_SOURCE_DIR}/cmake/install_configured.cmake\")")
