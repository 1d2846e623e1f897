# Run by `cmake --install` (cmake/install.cmake): installs the files that name installed paths,
# configured for the prefix of this install (CMAKE_INSTALL_PREFIX as the install sees it, after
# --prefix), under $ENV{DESTDIR} when it is set. The directories follow GNUInstallDirs' rules for
# that prefix (SYSCONFDIR is /etc for /usr, /etc/opt/... for /opt/..., PREFIX/etc otherwise).
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(sysconfdir "/etc")
  set(unitdir "${KDIAG_DEBIAN_UNIT_DIR}")
  set(zshdir "${prefix}/${KDIAG_DATADIR}/zsh/vendor-completions")
elseif(prefix MATCHES "^/opt/")
  set(sysconfdir "/etc${prefix}")
else()
  set(sysconfdir "${prefix}/etc")
endif()
if(NOT unitdir)
  set(unitdir "${prefix}/lib/systemd/system")
endif()
if(NOT zshdir)
  set(zshdir "${prefix}/${KDIAG_DATADIR}/zsh/site-functions")
endif()

# The names the *.in files use.
set(PROJECT_VERSION "${KDIAG_VERSION}")
set(KDIAG_BINARY "${prefix}/${KDIAG_BINDIR}/kdiag")
set(KDIAG_FULL_RULES_DIR "${prefix}/${KDIAG_DATADIR}/kdiag/rules")
set(KDIAG_FULL_SCHEMA_DIR "${prefix}/${KDIAG_DATADIR}/kdiag/schema")
set(KDIAG_FULL_EXAMPLES_DIR "${prefix}/${KDIAG_DOCDIR}/examples")
set(KDIAG_FULL_SYSCONFDIR "${sysconfdir}")
set(KDIAG_FULL_UNIT_DIR "${unitdir}")
set(KDIAG_SYSTEMD_UNIT_DIR "${unitdir}")

# A directory of this install's own: installs may run at once (the tests do).
string(RANDOM LENGTH 16 stage_name)
set(KDIAG_STAGE "${KDIAG_STAGE}/${stage_name}")
file(MAKE_DIRECTORY "${KDIAG_STAGE}")
configure_file("${KDIAG_SOURCE_DIR}/contrib/systemd/kdiag.service.in" "${KDIAG_STAGE}/kdiag.service" @ONLY)
configure_file("${KDIAG_SOURCE_DIR}/contrib/rsyslog/30-kdiag.conf.in" "${KDIAG_STAGE}/30-kdiag.conf" @ONLY)
configure_file("${KDIAG_SOURCE_DIR}/contrib/vector/kdiag.toml.in" "${KDIAG_STAGE}/kdiag.toml" @ONLY)
configure_file("${KDIAG_SOURCE_DIR}/man/kdiag.1.in" "${KDIAG_STAGE}/kdiag.1" @ONLY)
# Compressed, as Debian policy 12.1 asks; gzip -n leaves out the name and time, so the package is
# reproducible.
execute_process(COMMAND "${KDIAG_GZIP}" -n -9 "${KDIAG_STAGE}/kdiag.1" RESULT_VARIABLE gzip_status)
if(NOT gzip_status EQUAL 0)
  message(FATAL_ERROR "gzip ${KDIAG_STAGE}/kdiag.1 failed: ${gzip_status}")
endif()

# file(INSTALL) puts $ENV{DESTDIR} in front of each destination itself.
file(INSTALL "${KDIAG_STAGE}/kdiag.1.gz" DESTINATION "${prefix}/${KDIAG_MANDIR}/man1")
file(INSTALL "${KDIAG_SOURCE_DIR}/completions/_kdiag" DESTINATION "${zshdir}")
file(INSTALL "${KDIAG_STAGE}/kdiag.service" DESTINATION "${unitdir}")
file(INSTALL DESTINATION "${sysconfdir}/logrotate.d" TYPE FILE RENAME kdiag
     FILES "${KDIAG_SOURCE_DIR}/contrib/systemd/kdiag.logrotate")
file(INSTALL "${KDIAG_STAGE}/30-kdiag.conf" DESTINATION "${prefix}/${KDIAG_DOCDIR}/examples/rsyslog")
file(INSTALL "${KDIAG_STAGE}/kdiag.toml" DESTINATION "${prefix}/${KDIAG_DOCDIR}/examples/vector")
file(REMOVE_RECURSE "${KDIAG_STAGE}")
