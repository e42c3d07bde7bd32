package hudson.model;

public class Queue {

    // The real queue belongs to a controller.
    private Queue() {}

    public interface Task {}
}
