# pciback quirks written by kdiag: each line lets the guest write one more configuration
# space register of one device (pciback's `quirks` attribute, drivers/xen/xen-pciback/
# pci_stub.c). Run them as root while the device is bound to pciback (pciback.hide= or
# xl pci-assignable-add) and before the domain that uses it starts.
#
# kdiag cannot tell whether this host runs xend (Xen 3.0.3 to 4.4) or xl/libxl (Xen 4.0 and
# later): the log shows neither the hypervisor's version (xl dmesg) nor a toolstack's
# messages.
#
# They do not last: pciback frees every quirk of a device whenever a domain releases it
# (pcistub_put_pci_dev() calls xen_pcibk_config_free_dyn_fields()), i.e. at every shutdown,
# reboot, destroy or pci-detach of the domain, and at unbind or host reboot. Nor does
# pciback warn again: its once-per-binding warning flag is cleared only by unbinding the
# device, so a restarted guest whose quirks are gone loses its writes without a new
# warning in the log. Apply them again before EVERY start of the domain:
#   xl: xl has no hook that runs before a domain starts, and restarts a rebooting guest
#     by itself. Save this file (e.g. /etc/xen/DOMAIN-quirks.sh), start the domain only
#     through a wrapper, also in place of xendomains' plain `xl create` of /etc/xen/auto/:
#       sh /etc/xen/DOMAIN-quirks.sh && xl create /etc/xen/DOMAIN.cfg
#     and set on_reboot = "destroy" in the domain's config, so that a guest reboot ends
#     the domain and its next start goes through the wrapper again.
#   libvirt with the libxl driver (2.1.0 and later): run this file from
#     /etc/libvirt/hooks/libxl when it is called with "DOMAIN start begin" (before every
#     start, also of a rebooting guest; "prepare" comes before libvirt binds managed
#     devices to pciback: too early).
#   xend (Xen 3.0.3 to 4.4) writes the fields of /etc/xen/xend-pci-quirks.sxp at every
#     domain start by itself: use that file (kdiag --emit xend-quirks) instead.
#
# Iterative: pciback warns once per device binding, so the next read-only register the
# guest writes is reported only after the device is re-bound to pciback (which also drops
# these quirks: apply them again) or the host reboots. Unless pciback logs every write of
# the guest (verbose_request, dynamic debug from Linux 5.8; see kdiag's report): then kdiag
# lists every field the device needs at once.
#
# Check first: kdiag could not tell whether these fields lie in the device's MSI or MSI-X
# capability, where no quirk may go (no lspci -vv output; give it with --lspci):
# 0000:04:00.0 0x80, 0000:04:00.0 0x98. In `lspci -vv -s BDF`, 'Capabilities: [NN] MSI'
# covers NN to NN+0x17 and 'MSI-X' NN to NN+0x0b; drop any field inside them.

# 0000:03:00.0 [8086:10d3] (reported by dmesg.log:16, dmesg.log:19, dmesg.log:21)
echo 0000:03:00.0-000000e0:2:00000000 > /sys/bus/pci/drivers/pciback/quirks
echo 0000:03:00.0-000000e4:4:00000000 > /sys/bus/pci/drivers/pciback/quirks
echo 0000:03:00.0-000001d6:2:00000000 > /sys/bus/pci/drivers/pciback/quirks

# 0000:04:00.0 [10ec:8168] (reported by dmesg.log:32, dmesg.log:33)
echo 0000:04:00.0-00000080:4:00000000 > /sys/bus/pci/drivers/pciback/quirks
echo 0000:04:00.0-00000098:1:00000000 > /sys/bus/pci/drivers/pciback/quirks
