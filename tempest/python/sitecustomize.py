"""Loaded by Python at start-up when tempest/run puts this directory on PYTHONPATH.

Debian's Tempest (33.0.0) sleeps 10 s before every subnet deletion, a workaround for clouds whose
ports are released some time after their server is deleted. Skyledger releases a server's ports
before the deletion is answered, so the sleep only slows the run (by minutes); without it, a cloud
that released ports late would fail the network tests instead of passing them slowly. Nothing else
of Tempest is changed.
"""
import time


def _without_sleep():
    try:
        from tempest.lib.services.network import subnets_client
    except Exception:  # not a Tempest process
        return
    client = subnets_client.SubnetsClient

    def delete_subnet(self, subnet_id):
        return self.delete_resource('/subnets/%s' % subnet_id)

    client.delete_subnet = delete_subnet


_without_sleep()
