# `cpack -G DEB` (from the build directory; `cmake --build build --target package` does the same):
# a Debian package of what cmake/install.cmake installs, for the prefix /usr.
#
# Dependencies come from dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS), which reads the shared
# libraries the binary links and the shlibs/symbols files of the packages that ship them, so the
# Depends line names exactly the library packages and minimum versions this build needs
# (libre2-9, libhs5, libsystemd0, ...). CPack installs with DESTDIR (CPACK_SET_DESTDIR) and
# prefix /usr, so the files configured at install time name /usr/bin/kdiag. /etc files are
# conffiles (dpkg keeps the administrator's changes); postinst, prerm and postrm tell a running
# systemd that the unit appeared or went (cmake/deb/). tests/deb_test.sh builds it and runs it.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "kdiag")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "kdiag maintainers <kdiag@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "find and explain problems in Linux kernel and Xen hypervisor logs")
set(CPACK_PACKAGE_DESCRIPTION
    "kdiag reads Linux kernel and Xen hypervisor logs (dmesg, xl dmesg, serial captures, syslog
files, journals), recognises known problems with declarative rules, correlates them, and tells
the operator what to do, down to a ready-to-apply fix. It also runs as a node sidecar following
/dev/kmsg (kdiag.service), writing NDJSON events and Prometheus metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# pci.ids names devices in the report; the node exporter reads the sidecar's metrics.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "pci.ids")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus-node-exporter, rsyslog, logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/cmake/deb/conffiles ${PROJECT_SOURCE_DIR}/cmake/deb/postinst
    ${PROJECT_SOURCE_DIR}/cmake/deb/prerm ${PROJECT_SOURCE_DIR}/cmake/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
