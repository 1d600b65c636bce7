"""The incident domain, pure: the order-independent state fold, tracked clocks, reminder stages."""
