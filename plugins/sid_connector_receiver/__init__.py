"""The receiver: sid-connector answers OpenSID's "push to OpenDK" calls and becomes the village's relay."""
