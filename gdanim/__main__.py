"""``python -m gdanim …``: the same command as ``gdanim`` (see :mod:`gdanim.cli`)."""

from gdanim.launch import main

if __name__ == "__main__":
    main()
