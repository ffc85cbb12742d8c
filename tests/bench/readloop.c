/*
 * readloop.c - the floor: open each capture with libpcap and walk every packet,
 * touching one byte of each so the read cannot be skipped. Nothing else.
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    unsigned long long packets = 0, sum = 0;
    for (int i = 1; i < argc; i++) {
        pcap_t *p = pcap_open_offline(argv[i], err);
        if (!p) {
            fprintf(stderr, "readloop: %s\n", err);
            return 1;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        while (pcap_next_ex(p, &h, &data) == 1) {
            packets++;
            sum += data[h->caplen / 2];
        }
        pcap_close(p);
    }
    printf("%llu packets (checksum %llu)\n", packets, sum);
    return 0;
}
