"""PDF mechanics that know nothing of this form: flags, content streams, fonts, appearance streams."""
