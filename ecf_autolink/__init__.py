"""Link legacy CM/ECF e-filing accounts to upgraded PACER accounts on NextGen courts."""

__version__ = "0.1.0"
