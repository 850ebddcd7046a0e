package org.loralgebra.hub;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Copies a file or folder from a Hadoop file system into a local folder, keeping its name. */
final class RemoteCopy {
    private RemoteCopy() {}

    /** Copies {@code uri} (file or folder) into {@code dir}; returns the local copy. */
    static File into(String uri, File dir) throws IOException {
        Path source = new Path(uri);
        FileSystem fs = source.getFileSystem(new Configuration());
        File local = new File(dir, source.getName());
        fs.copyToLocalFile(false, source, new Path(local.toURI()), true);
        return local;
    }
}
