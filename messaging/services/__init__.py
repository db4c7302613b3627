"""Every write in the messaging app: the task queue, requests, threads, notifications."""
