"""The hotline as a channel: call events from a PBX, IVR routing, contact-centre KPIs."""
