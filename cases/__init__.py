"""The domain: cases (complaints and objections), parties, events, queues."""
