/*
 * fuzz_ports.c - libFuzzer target for the ports file reader (--ports FILE).
 *
 * The input is a ports file, handed over through a memfd so the real path
 * based loader runs unchanged. Whatever it accepts is then queried; an error
 * must name the file, and the expected text must always fit a record.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "ports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("ports", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct port_table *t = port_table_create();
    if (t && port_table_load(t, path, err, sizeof err) != 0) {
        if (strncmp(err, path, strlen(path)) != 0)
            abort();
    }
    static const uint16_t ports[] = {1, 22, 80, 443, 993, 2121, 6000, 65535};
    for (size_t i = 0; t && i < sizeof ports / sizeof ports[0]; i++)
        for (int udp = 0; udp < 2; udp++) {
            uint8_t tr = udp ? IPPROTO_UDP : IPPROTO_TCP;
            if (strlen(port_table_expected(t, tr, ports[i])) >= PS_PORTS_SERVICES_MAX)
                abort();
            port_table_verdict(t, tr, ports[i], "http", "tls");
            port_table_verdict(t, tr, ports[i], "ssl", "");
            port_table_verdict(t, tr, ports[i], "ssh", "");
        }
    port_table_destroy(t);
    close(fd);
    return 0;
}
