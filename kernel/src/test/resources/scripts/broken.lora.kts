// A script with a compile error on line 3, column 9.
val fine = 1
val x = nope + fine
