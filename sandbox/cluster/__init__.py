"""The cluster on one machine: gateway, load balancer, Case Graph processes, primary, standby."""
